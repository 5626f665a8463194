/** What a responder did, filled in as it goes: for the span, the log and the metrics. */
export interface QrReport {
  /** The final status sent; undefined when the requester went away first. */
  status?: number;
  level?: string;
  /** Matches (find) or instances (retrieve) sent. */
  results: number;
}
