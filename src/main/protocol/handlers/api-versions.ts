/** ApiVersions: the APIs and version ranges we serve (see ../codec/messages.ts). */
import { supportedApiVersions } from '../connection';
import type { Handler } from '../context';

export const apiVersions: Handler = () => ({
  errorCode: 0,
  apiKeys: supportedApiVersions(),
  throttleTimeMs: 0,
});
