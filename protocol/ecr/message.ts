import type { z } from "zod";
import { EcrMessageError } from "./ecr-error.js";
import {
  ECR_CATEGORIES,
  type EcrCategory,
  type EcrWireHeader,
  headerSchema,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  type RequestBodies,
  type ResponseBodies,
} from "./schema.js";

/** The header fields a message carries besides its category and direction (which the variant gives). */
export type EcrHeader = Omit<EcrWireHeader, "MessageCategory" | "MessageType">;

/** A parsed request: `category` discriminates `body`. */
export type EcrRequest = {
  [C in EcrCategory]: { type: "Request"; category: C; header: EcrHeader; body: RequestBodies[C] };
}[EcrCategory];

export type EcrResponse = {
  [C in EcrCategory]: { type: "Response"; category: C; header: EcrHeader; body: ResponseBodies[C] };
}[EcrCategory];

export type EcrMessage = EcrRequest | EcrResponse;

const ENVELOPE = { Request: "SaleToPOIRequest", Response: "SaleToPOIResponse" } as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first zod issue as a typed error naming its JSON path. */
function fromZod(error: z.ZodError, base: string): EcrMessageError {
  const issue = error.issues[0]!;
  const path = [base, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
    .join(".")
    .replace(/\.\[/g, "[");
  return new EcrMessageError(issue.message, { path });
}

function envelopeOf(json: unknown): { type: "Request" | "Response"; inner: Record<string, unknown> } {
  if (!isObject(json)) throw new EcrMessageError("must be a JSON object", { path: "$" });
  const keys = Object.keys(json);
  const type =
    keys[0] === ENVELOPE.Request ? "Request" : keys[0] === ENVELOPE.Response ? "Response" : undefined;
  if (keys.length !== 1 || type === undefined) {
    throw new EcrMessageError("must hold exactly one of SaleToPOIRequest or SaleToPOIResponse", {
      path: "$",
    });
  }
  const inner = json[ENVELOPE[type]];
  if (!isObject(inner)) throw new EcrMessageError("must be an object", { path: ENVELOPE[type] });
  return { type, inner };
}

/**
 * Parses the header alone: enough to answer a message whose body is malformed with a MessageFormat
 * response of the right category and ServiceID.
 */
export function parseEcrHeader(json: unknown): EcrWireHeader {
  const { type, inner } = envelopeOf(json);
  const parsed = headerSchema.safeDecode(inner.MessageHeader as never);
  if (!parsed.success) throw fromZod(parsed.error, `${ENVELOPE[type]}.MessageHeader`);
  if (parsed.data.MessageType !== type) {
    throw new EcrMessageError(`is ${parsed.data.MessageType} inside ${ENVELOPE[type]}`, {
      path: `${ENVELOPE[type]}.MessageHeader.MessageType`,
    });
  }
  return parsed.data;
}

/** JSON (already `JSON.parse`d) → a typed message. Throws EcrMessageError naming the JSON path. */
export function parseEcrMessage(json: unknown): EcrMessage {
  const { type, inner } = envelopeOf(json);
  const wire = parseEcrHeader(json);
  const envelope = ENVELOPE[type];
  const bodyKey = `${wire.MessageCategory}${type}`;
  const extra = Object.keys(inner).find((key) => key !== "MessageHeader" && key !== bodyKey);
  if (extra !== undefined) {
    throw new EcrMessageError(`unexpected beside a ${wire.MessageCategory} ${type.toLowerCase()}`, {
      path: `${envelope}.${extra}`,
    });
  }
  if (!(bodyKey in inner)) throw new EcrMessageError("is missing", { path: `${envelope}.${bodyKey}` });
  const schema = (type === "Request" ? REQUEST_SCHEMAS : RESPONSE_SCHEMAS)[wire.MessageCategory];
  const body = schema.safeDecode(inner[bodyKey] as never);
  if (!body.success) throw fromZod(body.error, `${envelope}.${bodyKey}`);
  const { MessageCategory: category, MessageType: _type, ...header } = wire;
  return { type, category, header, body: body.data } as EcrMessage;
}

/** A typed message → its JSON object (amounts back to decimal strings). Throws EcrMessageError. */
export function buildEcrMessage(message: EcrMessage): Record<string, unknown> {
  if (!ECR_CATEGORIES.includes(message.category) || !(message.type in ENVELOPE)) {
    throw new EcrMessageError(`unknown ${message.type} category ${String(message.category)}`, { path: "$" });
  }
  const envelope = ENVELOPE[message.type];
  const wireHeader = { ...message.header, MessageCategory: message.category, MessageType: message.type };
  const header = headerSchema.safeEncode(wireHeader);
  if (!header.success) throw fromZod(header.error, `${envelope}.MessageHeader`);
  const bodyKey = `${message.category}${message.type}`;
  const schema = (message.type === "Request" ? REQUEST_SCHEMAS : RESPONSE_SCHEMAS)[message.category];
  const body = schema.safeEncode(message.body as never);
  if (!body.success) throw fromZod(body.error, `${envelope}.${bodyKey}`);
  return { [envelope]: { MessageHeader: header.data, [bodyKey]: body.data } };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A frame's payload (UTF-8 JSON) → a typed message. */
export function decodeEcrMessage(bytes: Uint8Array): EcrMessage {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw new EcrMessageError("is not valid UTF-8", { path: "$", cause: error });
  }
  return parseEcrText(text);
}

/** A WebSocket text message (or decoded frame) → a typed message. */
export function parseEcrText(text: string): EcrMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EcrMessageError(`is not JSON: ${(error as Error).message}`, { path: "$", cause: error });
  }
  return parseEcrMessage(json);
}

/** A typed message → compact JSON text (JSON.stringify escapes control characters, so no STX/ETX inside). */
export function ecrMessageText(message: EcrMessage): string {
  return JSON.stringify(buildEcrMessage(message));
}

/** A typed message → UTF-8 JSON bytes for a frame. */
export function encodeEcrMessage(message: EcrMessage): Buffer {
  return Buffer.from(ecrMessageText(message), "utf8");
}
