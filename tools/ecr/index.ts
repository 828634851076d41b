/** The sample ECR client (a cash register's side) and the terminal adapter behind the ECR server. */
export { type ClientPipe, type EcrTarget, openClientPipe } from "./client-pipe.js";
export { EcrClient, type EcrClientOptions, localTimeStamp, newServiceId } from "./ecr-client.js";
