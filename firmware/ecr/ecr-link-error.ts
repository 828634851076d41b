/** An ECR transport failure: a frame the peer never acknowledged, a link that went away, a refused bind. */
export class EcrLinkError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "EcrLinkError";
  }
}
