/** What a parser found in one line or event. */
export interface Parsed {
  /** Epoch milliseconds taken from the line. */
  timestamp?: number;
  level?: string;
  /** The message part, when the format separates it from the fields. */
  message?: string;
  fields?: Record<string, string>;
  /** Set when the line did not match the format; the line is then kept raw. */
  error?: string;
}

export type Parser = (text: string) => Parsed;
