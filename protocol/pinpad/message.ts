import { FieldReader } from "./fields.js";
import { PinPadCodecError } from "./pinpad-codec-error.js";

/**
 * ABECS application layer (§4.2): command `CMD_ID(A3) [LEN(N3) BLK]…`, response
 * `RSP_ID(A3) RSP_STAT(N3) [LEN(N3) BLK]…`. Blocks are opaque here; each command's codec lays out
 * its fields. An error response is exactly 6 bytes; an unknown command is answered `ERR` + status.
 */
export interface PinPadCommand {
  id: string;
  blocks: Buffer[];
}

export interface PinPadResponse {
  id: string;
  status: number;
  blocks: Buffer[];
}

export const MAX_BLOCK_LENGTH = 999;
const ID = /^[A-Z0-9]{3}$/;

function checkId(id: string, path: string): void {
  if (!ID.test(id))
    throw new PinPadCodecError(`must be 3 uppercase letters or digits, got ${id.length} characters`, {
      path,
    });
}

function encodeBlocks(blocks: readonly Buffer[], path: string): Buffer[] {
  return blocks.flatMap((block, i) => {
    if (block.length > MAX_BLOCK_LENGTH) {
      throw new PinPadCodecError(`block of ${block.length} bytes exceeds ${MAX_BLOCK_LENGTH}`, {
        path: `${path}.block[${i}]`,
      });
    }
    return [Buffer.from(block.length.toString().padStart(3, "0"), "latin1"), block];
  });
}

function decodeBlocks(data: Buffer, from: number, path: string): Buffer[] {
  const blocks: Buffer[] = [];
  let at = from;
  while (at < data.length) {
    const length = new FieldReader(data.subarray(at, at + 3), at).numeric(`${path}.LEN`, 3);
    if (at + 3 + length > data.length) {
      throw new PinPadCodecError(`block says ${length} bytes, only ${data.length - at - 3} left`, {
        path: `${path}.block[${blocks.length}]`,
        offset: at,
      });
    }
    blocks.push(Buffer.from(data.subarray(at + 3, at + 3 + length)));
    at += 3 + length;
  }
  return blocks;
}

function readId(data: Buffer, path: string): string {
  return new FieldReader(data.subarray(0, 3)).alphanumeric(path, 3);
}

export function encodeCommand(command: PinPadCommand): Buffer {
  checkId(command.id, "CMD_ID");
  return Buffer.concat([Buffer.from(command.id, "latin1"), ...encodeBlocks(command.blocks, command.id)]);
}

export function decodeCommand(data: Buffer): PinPadCommand {
  const id = readId(data, "CMD_ID");
  checkId(id, "CMD_ID");
  return { id, blocks: decodeBlocks(data, 3, id) };
}

export function encodeResponse(response: PinPadResponse): Buffer {
  checkId(response.id, "RSP_ID");
  if (!Number.isInteger(response.status) || response.status < 0 || response.status > 999) {
    throw new PinPadCodecError(`must be 0..999, got ${response.status}`, { path: "RSP_STAT" });
  }
  if (response.status !== 0 && response.blocks.length > 0) {
    throw new PinPadCodecError("an error response carries no data", { path: `${response.id}.RSP_STAT` });
  }
  return Buffer.concat([
    Buffer.from(response.id, "latin1"),
    Buffer.from(response.status.toString().padStart(3, "0"), "latin1"),
    ...encodeBlocks(response.blocks, response.id),
  ]);
}

export function decodeResponse(data: Buffer): PinPadResponse {
  const id = readId(data, "RSP_ID");
  checkId(id, "RSP_ID");
  const status = new FieldReader(data.subarray(3, 6), 3).numeric(`${id}.RSP_STAT`, 3);
  // The rule encodeResponse applies: an error status ends the response (found by tests/fuzz).
  if (status !== 0 && data.length > 6) {
    throw new PinPadCodecError("an error response carries no data", { path: `${id}.RSP_STAT`, offset: 6 });
  }
  return { id, status, blocks: decodeBlocks(data, 6, id) };
}

/** The single block a command carries, or none; more is malformed. */
export function singleBlock(
  message: { id: string; blocks: Buffer[] },
  required: boolean,
): Buffer | undefined {
  if (message.blocks.length > 1 || (required && message.blocks.length === 0)) {
    throw new PinPadCodecError(
      `expected ${required ? "exactly one" : "at most one"} block, got ${message.blocks.length}`,
      {
        path: message.id,
      },
    );
  }
  return message.blocks[0];
}
