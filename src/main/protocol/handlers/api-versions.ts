/** ApiVersions: the APIs and version ranges we serve (see ../codec/messages.ts). */
import { supportedApiVersions } from '../connection';
import type { Handler } from '../context';
import type * as T from '../generated/types';

export const apiVersions: Handler<T.ApiVersionsRequest, T.ApiVersionsResponse> = () => ({
  errorCode: 0,
  apiKeys: supportedApiVersions(),
  throttleTimeMs: 0,
});
