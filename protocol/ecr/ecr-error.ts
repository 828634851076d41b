import { ProtocolError } from "../errors.js";

/**
 * An ECR message that cannot be parsed, built or framed. `path` is the JSON path of the element at fault
 * ("SaleToPOIRequest.PaymentRequest.PaymentTransaction.AmountsReq.RequestedAmount"), or the framing layer.
 */
export class EcrMessageError extends ProtocolError {}
