import { buildField60 } from "../../protocol/iso8583/subfields/field60.js";
import type { SignInKeyLayout } from "../../protocol/iso8583/subfields/field62.js";
import { type Exchange, type HostContext, type Reply, reply } from "./exchange.js";
import { issueWorkingKeys } from "./issue-keys.js";

const LAYOUTS: ReadonlySet<string> = new Set(["001", "003", "004"]);

/**
 * 0800 sign-in: fresh PIK/MAK(/TDK) under the terminal's TMK in field 62, laid out as the request's
 * 60.3 asks (001/003/004; 005 SM4 is not offered: 40), and the host's current batch in 60.2.
 */
export function signIn(x: Exchange, ctx: HostContext): Reply {
  const layout = x.f60?.netMgmtCode ?? "003";
  if (!LAYOUTS.has(layout)) return reply("40", {}, `sign-in layout ${layout} not supported`);
  const { keys, field62 } = issueWorkingKeys(x.terminal.tmk, layout as SignInKeyLayout, ctx.random);
  x.terminal.setKeys(keys, ctx.clock().toISOString());
  return reply("00", {
    37: ctx.nextRrn(),
    60: buildField60({ txnType: "00", batch: x.terminal.batch, netMgmtCode: layout }),
    62: field62.toString("hex").toUpperCase(),
  });
}

/** 0820 sign-out (60.3 002): the working keys are forgotten; financial messages get A0 until sign-in. */
export function signOut(x: Exchange): Reply {
  x.terminal.setKeys(undefined, undefined);
  return reply("00");
}

/** 0820 echo (301), and the other management messages (parameter / CAPK / AID downloads): 00, no data. */
export function acknowledge(): Reply {
  return reply("00");
}
