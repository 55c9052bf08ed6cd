/** A saved model that cannot be read (corrupt, truncated, not a model, too big): its message is for a person. */
export class SavedModelError extends Error {
  constructor(
    message: string,
    /** Offset in the text the message is about, when known. */
    readonly at = -1,
  ) {
    super(message);
  }
}
