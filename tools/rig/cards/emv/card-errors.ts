/** The card-failure errors are part of the VirtualCard contract; re-exported for the applets. */
export { CardMuteError, CardRemovedError } from "../../virtual-card.js";
