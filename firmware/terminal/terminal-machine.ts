/**
 * The terminal's statechart: boot (self-test, journal recovery, sign-in), idle, the transaction flows from
 * amount entry to the printed slip, the management menu, and tamper. Every state names its screen and what
 * each key does (`meta`, texts in screens.ts); every keypad transition is guarded by the `key` guard with
 * its keys and named conditions, so the keys a state reacts to can be read off the chart. All device,
 * journal and host work is behind `TerminalServices`, invoked as promise actors: leaving a state stops its
 * actor and aborts the signal it was given (Cancel while waiting for a card, tamper while online).
 *
 * Functions the permissions table restricts to a role (voids, refund, settlement, sign-out, parameter
 * download, reprints — whichever `needsAuthorization` names) first ask for a user number and password
 * (authUser → authPassword → authorizing); only the count of password digits enters the context, the
 * digits themselves are in a PasswordEntry outside it (see password-entry.ts).
 */
import { assign, fromPromise, setup } from "xstate";
import type { AdminFunction } from "../admin/permissions.js";
import type { TransactionType } from "../journal/transaction-record.js";
import { type ConditionName, terminalConditions } from "./conditions.js";
import {
  backspace,
  type OriginalField,
  padStan,
  typeAmountDigit,
  typeFieldDigit,
  typeUserIdDigit,
} from "./digit-entry.js";
import { CHANGE_SLOTS, PASSWORD_MAX_DIGITS, PasswordEntries, type PasswordSlot } from "./password-entry.js";
import type { StateMeta } from "./screen-meta.js";
import { MESSAGES, SCREENS } from "./screens.js";
import {
  AUTHORIZED_STEPS,
  type AuthorizedStep,
  EMPTY_TRANSACTION,
  initialTerminalContext,
  type TerminalContext,
  totalOf,
  transactionRequest,
} from "./terminal-context.js";
import type { TerminalEvent } from "./terminal-events.js";
import {
  type AuthorizationResult,
  type BilingualText,
  type CardEntry,
  DIGIT_KEYS,
  type DigitKey,
  type InstantSettlementResult,
  type Key,
  type PasswordChangeResult,
  type PrintResult,
  type RiskDecision,
  type TerminalServices,
  type TransactionOutcome,
  type TransactionRequest,
} from "./terminal-services.js";

export interface KeyGuardParams {
  keys: readonly Key[];
  /** Named conditions that must all hold. */
  when?: readonly ConditionName[];
  /** Named conditions none of which may hold. */
  unless?: readonly ConditionName[];
  /** Set on the role-check branch of a menu key: taken only when the services restrict this function. */
  authorize?: AdminFunction;
}

/** The guard of a keypad transition: one of `keys` was pressed and the named conditions hold. */
export function press(
  keys: readonly Key[],
  when: readonly ConditionName[] = [],
  unless: readonly ConditionName[] = [],
) {
  return { type: "key" as const, params: { keys, when, unless } satisfies KeyGuardParams };
}

export interface TerminalMachineOptions {
  /** How long presentCard waits for a card before going back to idle (default 60 s). */
  cardTimeoutMs?: number;
  /** How long the approval shows before the slip prints by itself (default 3 s). */
  approvedDisplayMs?: number;
}
export const DEFAULT_CARD_TIMEOUT_MS = 60_000;
export const DEFAULT_APPROVED_DISPLAY_MS = 3_000;

type DigitBuffer = "amountDigits" | "tipDigits" | "entry";
const DIGITS: readonly Key[] = DIGIT_KEYS;
const isDigit = (key: Key): key is DigitKey => DIGITS.includes(key);
const textOf = (value: BilingualText): BilingualText => ({ zh: value.zh, en: value.en });

/**
 * A menu key that starts a restricted function: when the services say the function needs a role, the
 * key leads to the role check (which continues into `step`); otherwise the `direct` branches apply as
 * before. Both share the key and its conditions.
 */
function restricted<const T extends readonly object[]>(
  keys: readonly Key[],
  when: readonly ConditionName[],
  step: AuthorizedStep,
  direct: T,
) {
  return [
    {
      guard: {
        type: "key" as const,
        params: { keys, when, unless: [], authorize: AUTHORIZED_STEPS[step].fn } satisfies KeyGuardParams,
      },
      target: "authUser",
      actions: { type: "beginAuth" as const, params: { step } },
    },
    ...direct,
  ] as const;
}

/** Where Cancel during the role check goes: the management menu for its functions, idle otherwise. */
const ABANDON_AUTH = [
  { guard: press(["cancel"], ["authFromManagement"]), target: "managementMenu", actions: "endAuth" },
  { guard: press(["cancel"]), target: "idle" },
] as const;

/** Keys that return the operator "home": idle when signed in, the sign-in screen otherwise. */
function home(keys: readonly Key[]) {
  return [
    { guard: press(keys, ["signedIn"]), target: "idle" },
    { guard: press(keys), target: "signInFailed" },
  ] as const;
}

/** An original-transaction field: digits, Clear, Enter when valid (targets in order), Cancel → idle. */
function fieldKeys(
  field: OriginalField,
  valid: ConditionName,
  enter: readonly { target: string; when?: readonly ConditionName[]; commit?: boolean }[],
) {
  return [
    { guard: press(DIGITS), actions: { type: "typeField" as const, params: { field } } },
    {
      guard: press(["clear"]),
      actions: { type: "deleteDigit" as const, params: { buffer: "entry" as DigitBuffer } },
    },
    ...enter.map((branch) => ({
      guard: press(["enter"], [valid, ...(branch.when ?? [])]),
      target: branch.target,
      actions: branch.commit === false ? [] : [{ type: "commitField" as const, params: { field } }],
    })),
    { guard: press(["cancel"]), target: "idle" },
  ];
}

function faultText(faults: readonly { device: string; message: string; fatal: boolean }[]): BilingualText {
  const list = faults.filter((f) => f.fatal).map((f) => `${f.device}: ${f.message}`);
  const text = list.length > 0 ? list.join("; ") : MESSAGES.selfTestError.en;
  return { zh: list.length > 0 ? text : MESSAGES.selfTestError.zh, en: text };
}

export function createTerminalMachine(services: TerminalServices, options: TerminalMachineOptions = {}) {
  const conditions = terminalConditions(services);
  const holds = (context: TerminalContext, params: KeyGuardParams) =>
    (params.when ?? []).every((name) => conditions[name](context)) &&
    !(params.unless ?? []).some((name) => conditions[name](context)) &&
    (params.authorize === undefined || services.needsAuthorization(params.authorize));
  // One per machine; inside it one entry per running actor system (a terminal runs one).
  const passwords = new PasswordEntries();
  const authorizedTo = (step: AuthorizedStep) => {
    return ({ event, context }: { event: { output: AuthorizationResult }; context: TerminalContext }) =>
      event.output.ok && context.auth?.step === step;
  };

  return setup({
    types: {
      context: {} as TerminalContext,
      events: {} as TerminalEvent,
      meta: {} as StateMeta,
    },
    actors: {
      selfTest: fromPromise(() => services.selfTest()),
      recoverJournal: fromPromise(() => services.recoverJournal()),
      signIn: fromPromise(() => services.signIn()),
      signOut: fromPromise(() => services.signOut()),
      waitForCard: fromPromise<CardEntry, { type: TransactionType; amount: number }>(({ input, signal }) =>
        services.waitForCard(input, signal),
      ),
      // Synchronous in the services; a promise actor so a throwing limit check is an error outcome, not a crash.
      riskCheck: fromPromise<RiskDecision, { type: TransactionType; amount: number }>(async ({ input }) =>
        services.riskCheck(input),
      ),
      runTransaction: fromPromise<TransactionOutcome, TransactionRequest>(({ input, signal }) =>
        services.runTransaction(input, signal),
      ),
      printSlip: fromPromise<PrintResult, { journalId: number; reprint: boolean }>(({ input }) =>
        services.printSlip(input.journalId, { reprint: input.reprint }),
      ),
      settle: fromPromise(() => services.settle()),
      downloadParameters: fromPromise(() => services.downloadParameters()),
      queryInstantSettlement: fromPromise<InstantSettlementResult>(({ signal }) =>
        services.queryInstantSettlement(signal),
      ),
      printInstantSettlement: fromPromise<PrintResult>(() => services.printInstantSettlement()),
      changePassword: fromPromise<PasswordChangeResult, { userId: string }>(async ({ input, system }) => {
        // The only copies of the three passwords from here on; zeroed whatever the outcome.
        const [current, next, repeat] = CHANGE_SLOTS.map((slot) => passwords.of(system, slot).take()) as [
          Buffer,
          Buffer,
          Buffer,
        ];
        try {
          return await services.changePassword({ userId: input.userId, current, next, repeat });
        } finally {
          for (const password of [current, next, repeat]) password.fill(0);
        }
      }),
      authorize: fromPromise<AuthorizationResult, { fn: AdminFunction; userId: string }>(
        async ({ input, system }) => {
          // The only copy of the digits from here on; zeroed whatever the outcome, once it is known.
          const password = passwords.of(system).take();
          try {
            return await services.authorize({ fn: input.fn, userId: input.userId, password });
          } finally {
            password.fill(0);
          }
        },
      ),
    },
    guards: {
      key: ({ context, event }, params: KeyGuardParams) =>
        event.type === "KEY" && params.keys.includes(event.key) && holds(context, params),
    },
    actions: {
      startTransaction: assign((_, params: { type: TransactionType }) => ({
        ...EMPTY_TRANSACTION,
        original: {},
        type: params.type,
      })),
      resetTransaction: assign(() => ({ ...EMPTY_TRANSACTION, original: {} })),
      keepCard: assign({
        card: ({ event, context }) => (event.type === "CARD_PRESENTED" ? event.card : context.card),
      }),
      typeAmount: assign({
        amountDigits: ({ context, event }) =>
          event.type === "KEY" && isDigit(event.key)
            ? typeAmountDigit(context.amountDigits, event.key)
            : context.amountDigits,
      }),
      typeTip: assign({
        tipDigits: ({ context, event }) =>
          event.type === "KEY" && isDigit(event.key)
            ? typeAmountDigit(context.tipDigits, event.key)
            : context.tipDigits,
      }),
      typeField: assign({
        entry: ({ context, event }, params: { field: OriginalField }) =>
          event.type === "KEY" && isDigit(event.key)
            ? typeFieldDigit(context.entry, event.key, params.field)
            : context.entry,
      }),
      deleteDigit: assign(({ context }, params: { buffer: DigitBuffer }) => {
        if (params.buffer === "amountDigits") return { amountDigits: backspace(context.amountDigits) };
        if (params.buffer === "tipDigits") return { tipDigits: backspace(context.tipDigits) };
        return { entry: backspace(context.entry) };
      }),
      commitField: assign(({ context }, params: { field: OriginalField }) => ({
        original: {
          ...context.original,
          [params.field]: params.field === "stan" ? padStan(context.entry) : context.entry,
        },
        entry: "",
      })),
      clearEntry: assign({ entry: "" }),
      queueSlip: assign({
        printJob: ({ context }) => ({ journalId: context.outcome?.journalId ?? -1, reprint: false }),
      }),
      queueReprintLast: assign({
        printJob: () => ({ journalId: services.lastJournalId() ?? -1, reprint: true }),
      }),
      queueReprintByStan: assign({
        printJob: ({ context }) => ({
          journalId: services.findByStan(padStan(context.entry)) ?? -1,
          reprint: true,
        }),
        entry: "",
      }),
      beginAuth: assign((_, params: { step: AuthorizedStep }) => ({
        auth: { step: params.step },
        entry: "",
        passwordLength: 0,
      })),
      endAuth: assign({ auth: undefined, entry: "", passwordLength: 0, message: undefined }),
      typeUserId: assign({
        entry: ({ context, event }) =>
          event.type === "KEY" && isDigit(event.key)
            ? typeUserIdDigit(context.entry, event.key)
            : context.entry,
      }),
      commitUserId: assign({
        auth: ({ context }) => context.auth && { step: context.auth.step, userId: context.entry },
        entry: "",
        passwordLength: 0,
      }),
      // The digits go to the PasswordEntry (a side effect, run only by a live actor); the context counts them.
      startPassword: ({ system }) => passwords.of(system).wipe(),
      typePassword: ({ event, system }) => {
        if (event.type === "KEY" && isDigit(event.key)) passwords.of(system).type(event.key);
      },
      erasePassword: ({ system }) => passwords.of(system).erase(),
      countPasswordDigit: assign({
        passwordLength: ({ context }) => Math.min(context.passwordLength + 1, PASSWORD_MAX_DIGITS),
      }),
      uncountPasswordDigit: assign({
        passwordLength: ({ context }) => Math.max(context.passwordLength - 1, 0),
      }),
      beginPasswordChange: assign({
        entry: "",
        passwordLength: 0,
        passwordChangeUser: undefined,
        message: undefined,
      }),
      commitPasswordUser: assign({ passwordChangeUser: ({ context }) => context.entry, entry: "" }),
      endPasswordChange: assign({ entry: "", passwordLength: 0, passwordChangeUser: undefined }),
      resetPasswordCount: assign({ passwordLength: 0 }),
      startSlot: ({ system }, params: { slot: PasswordSlot }) => passwords.of(system, params.slot).wipe(),
      typeSlot: ({ event, system }, params: { slot: PasswordSlot }) => {
        if (event.type === "KEY" && isDigit(event.key)) passwords.of(system, params.slot).type(event.key);
      },
      eraseSlot: ({ system }, params: { slot: PasswordSlot }) => passwords.of(system, params.slot).erase(),
      // Enter moves on to the next field (the last one to `changingPassword`, which takes all three);
      // every other way out of a field zeroes all three here.
      wipeChangeUnlessSubmitted: ({ event, system }) => {
        if (event.type === "KEY" && event.key === "enter") return;
        for (const slot of CHANGE_SLOTS) passwords.of(system, slot).wipe();
      },
      // Enter hands the digits to `authorizing`, which takes them; every other way out zeroes them here.
      wipePasswordUnlessSubmitted: ({ event, system }) => {
        if (!(event.type === "KEY" && event.key === "enter")) passwords.of(system).wipe();
      },
    },
    delays: {
      cardTimeout: options.cardTimeoutMs ?? DEFAULT_CARD_TIMEOUT_MS,
      approvedDisplay: options.approvedDisplayMs ?? DEFAULT_APPROVED_DISPLAY_MS,
    },
  }).createMachine({
    id: "terminal",
    context: initialTerminalContext,
    initial: "selfTest",
    on: {
      // The tamper switch wins over everything, including a request on the wire (its actor is stopped).
      TAMPER: { target: ".tampered" },
    },
    states: {
      selfTest: {
        meta: SCREENS.selfTest,
        invoke: {
          id: "selfTest",
          src: "selfTest",
          onDone: [
            {
              guard: ({ event }) => event.output.faults.some((f) => f.fatal),
              target: "outOfService",
              actions: assign({
                faults: ({ event }) => event.output.faults,
                message: ({ event }) => faultText(event.output.faults),
              }),
            },
            { target: "recoverJournal", actions: assign({ faults: ({ event }) => event.output.faults }) },
          ],
          onError: { target: "outOfService", actions: assign({ message: MESSAGES.selfTestError }) },
        },
      },
      outOfService: {
        meta: SCREENS.outOfService,
        on: { KEY: [{ guard: press(["enter"]), target: "selfTest" }] },
      },
      recoverJournal: {
        meta: SCREENS.recoverJournal,
        invoke: {
          id: "recoverJournal",
          src: "recoverJournal",
          onDone: { target: "signIn", actions: assign({ recovery: ({ event }) => event.output }) },
          onError: { target: "outOfService", actions: assign({ message: MESSAGES.journalError }) },
        },
      },
      signIn: {
        meta: SCREENS.signIn,
        invoke: {
          id: "signIn",
          src: "signIn",
          onDone: [
            {
              guard: ({ event }) => event.output.ok,
              target: "idle",
              actions: assign({
                signedIn: true,
                batch: ({ event, context }) => (event.output.ok ? event.output.batch : context.batch),
              }),
            },
            {
              target: "signInFailed",
              actions: assign({
                signedIn: false,
                message: ({ event }) => (event.output.ok ? undefined : textOf(event.output)),
              }),
            },
          ],
          onError: {
            target: "signInFailed",
            actions: assign({ signedIn: false, message: MESSAGES.signInError }),
          },
        },
      },
      signInFailed: {
        meta: SCREENS.signInFailed,
        on: {
          KEY: [
            { guard: press(["enter"]), target: "signIn" },
            { guard: press(["menu"]), target: "managementMenu" },
          ],
        },
      },
      idle: {
        meta: SCREENS.idle,
        entry: "resetTransaction",
        on: {
          KEY: [
            {
              guard: press(DIGITS),
              target: "amountEntry",
              actions: [{ type: "startTransaction", params: { type: "sale" } }, "typeAmount"],
            },
            { guard: press(["menu"]), target: "mainMenu" },
          ],
          CARD_PRESENTED: {
            target: "amountEntry",
            actions: [{ type: "startTransaction", params: { type: "sale" } }, "keepCard"],
          },
        },
      },
      mainMenu: {
        meta: SCREENS.mainMenu,
        on: {
          KEY: [
            {
              guard: press(["1"]),
              target: "amountEntry",
              actions: { type: "startTransaction", params: { type: "sale" } },
            },
            ...restricted(["2"], ["voidEnabled"], "void", [
              {
                guard: press(["2"], ["voidEnabled"]),
                target: "originalStan",
                actions: { type: "startTransaction", params: { type: "void" } },
              },
            ]),
            ...restricted(["3"], ["refundEnabled"], "refund", [
              {
                guard: press(["3"], ["refundEnabled"]),
                target: "originalStan",
                actions: { type: "startTransaction", params: { type: "refund" } },
              },
            ]),
            { guard: press(["4"], ["preauthEnabled"]), target: "preauthMenu" },
            {
              guard: press(["5"], ["balanceEnabled"]),
              target: "presentCard",
              actions: { type: "startTransaction", params: { type: "balance" } },
            },
            { guard: press(["2", "3", "4", "5"]), target: "featureDisabled" },
            { guard: press(["6"]), target: "managementMenu" },
            { guard: press(["cancel"]), target: "idle" },
          ],
        },
      },
      preauthMenu: {
        meta: SCREENS.preauthMenu,
        on: {
          KEY: [
            {
              guard: press(["1"]),
              target: "amountEntry",
              actions: { type: "startTransaction", params: { type: "preauth" } },
            },
            ...restricted(["2"], [], "preauth-void", [
              {
                guard: press(["2"]),
                target: "originalStan",
                actions: { type: "startTransaction", params: { type: "preauth-void" } },
              },
            ]),
            {
              guard: press(["3"]),
              target: "originalStan",
              actions: { type: "startTransaction", params: { type: "preauth-completion" } },
            },
            ...restricted(["4"], [], "preauth-completion-void", [
              {
                guard: press(["4"]),
                target: "originalStan",
                actions: { type: "startTransaction", params: { type: "preauth-completion-void" } },
              },
            ]),
            { guard: press(["cancel"]), target: "mainMenu" },
          ],
        },
      },
      featureDisabled: {
        meta: SCREENS.featureDisabled,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "idle" }] },
      },
      originalStan: {
        meta: SCREENS.originalStan,
        on: {
          KEY: fieldKeys("stan", "stanValid", [
            { when: ["voidOfJournalEntry", "originalInJournal"], target: "amountEntry" },
            { when: ["voidOfJournalEntry"], target: "originalNotFound", commit: false },
            { when: ["isRefund"], target: "originalRrn" },
            { target: "originalAuthCode" },
          ]),
        },
      },
      originalRrn: {
        meta: SCREENS.originalRrn,
        on: { KEY: fieldKeys("rrn", "rrnValid", [{ target: "originalDate" }]) },
      },
      originalAuthCode: {
        meta: SCREENS.originalAuthCode,
        on: { KEY: fieldKeys("authCode", "authCodeValid", [{ target: "originalDate" }]) },
      },
      originalDate: {
        meta: SCREENS.originalDate,
        on: { KEY: fieldKeys("date", "dateValid", [{ target: "amountEntry" }]) },
      },
      originalNotFound: {
        meta: SCREENS.originalNotFound,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "idle" }] },
      },
      amountEntry: {
        meta: SCREENS.amountEntry,
        on: {
          KEY: [
            { guard: press(DIGITS), actions: "typeAmount" },
            { guard: press(["clear"]), actions: { type: "deleteDigit", params: { buffer: "amountDigits" } } },
            { guard: press(["enter"], ["amountPositive", "tipsApply"]), target: "tipEntry" },
            { guard: press(["enter"], ["amountPositive"]), target: "riskCheck" },
            { guard: press(["enter"]), target: "zeroAmount" },
            { guard: press(["cancel"]), target: "idle" },
          ],
        },
      },
      zeroAmount: {
        meta: SCREENS.zeroAmount,
        on: {
          KEY: [
            { guard: press(["enter", "clear"]), target: "amountEntry" },
            { guard: press(["cancel"]), target: "idle" },
          ],
        },
      },
      tipEntry: {
        meta: SCREENS.tipEntry,
        on: {
          KEY: [
            { guard: press(DIGITS), actions: "typeTip" },
            { guard: press(["clear"]), actions: { type: "deleteDigit", params: { buffer: "tipDigits" } } },
            { guard: press(["enter"]), target: "riskCheck" },
            { guard: press(["cancel"]), target: "idle" },
          ],
        },
      },
      riskCheck: {
        meta: SCREENS.riskCheck,
        invoke: {
          id: "riskCheck",
          src: "riskCheck",
          input: ({ context }) => ({ type: context.type, amount: totalOf(context) }),
          onDone: [
            {
              guard: ({ event, context }) => event.output.kind === "allow" && context.card !== undefined,
              target: "processing",
            },
            { guard: ({ event }) => event.output.kind === "allow", target: "presentCard" },
            {
              guard: ({ event }) => event.output.kind === "confirm",
              target: "confirmRisk",
              actions: assign({
                message: ({ event }) => (event.output.kind === "allow" ? undefined : textOf(event.output)),
              }),
            },
            {
              target: "riskRefused",
              actions: assign({
                message: ({ event }) => (event.output.kind === "allow" ? undefined : textOf(event.output)),
              }),
            },
          ],
          onError: { target: "riskRefused", actions: assign({ message: MESSAGES.riskError }) },
        },
      },
      confirmRisk: {
        meta: SCREENS.confirmRisk,
        on: {
          KEY: [
            { guard: press(["enter"], ["hasCard"]), target: "processing" },
            { guard: press(["enter"]), target: "presentCard" },
            { guard: press(["cancel"]), target: "idle" },
          ],
        },
      },
      riskRefused: {
        meta: SCREENS.riskRefused,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "idle" }] },
      },
      presentCard: {
        meta: SCREENS.presentCard,
        invoke: {
          id: "waitForCard",
          src: "waitForCard",
          input: ({ context }) => ({ type: context.type, amount: totalOf(context) }),
          onDone: { target: "processing", actions: assign({ card: ({ event }) => event.output }) },
          onError: { target: "cardError", actions: assign({ message: MESSAGES.cardReadError }) },
        },
        after: { cardTimeout: { target: "idle" } },
        on: {
          KEY: [{ guard: press(["cancel"]), target: "idle" }],
          // A reader that pushes events rather than answering waitForCard.
          CARD_PRESENTED: { target: "processing", actions: "keepCard" },
        },
      },
      cardError: {
        meta: SCREENS.cardError,
        on: {
          KEY: [
            { guard: press(["enter"]), target: "presentCard" },
            { guard: press(["cancel"]), target: "idle" },
          ],
        },
      },
      processing: {
        meta: SCREENS.processing,
        invoke: {
          id: "runTransaction",
          src: "runTransaction",
          input: ({ context }) => transactionRequest(context),
          onDone: [
            {
              guard: ({ event, context }) => event.output.status === "approved" && context.type === "balance",
              target: "balanceShown",
              actions: assign({
                outcome: ({ event }) => event.output,
                message: ({ event }) => textOf(event.output),
              }),
            },
            {
              guard: ({ event }) => event.output.status === "approved",
              target: "approved",
              actions: assign({
                outcome: ({ event }) => event.output,
                message: ({ event }) => textOf(event.output),
              }),
            },
            {
              target: "declined",
              actions: assign({
                outcome: ({ event }) => event.output,
                message: ({ event }) => textOf(event.output),
              }),
            },
          ],
          onError: { target: "declined", actions: assign({ message: MESSAGES.transactionError }) },
        },
      },
      approved: {
        meta: SCREENS.approved,
        after: {
          approvedDisplay: [
            {
              guard: ({ context }) => conditions.hasJournalEntry(context),
              target: "printing",
              actions: "queueSlip",
            },
            { target: "idle" },
          ],
        },
        on: {
          KEY: [
            { guard: press(["enter"], ["hasJournalEntry"]), target: "printing", actions: "queueSlip" },
            { guard: press(["enter"]), target: "idle" },
          ],
        },
      },
      declined: {
        meta: SCREENS.declined,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "idle" }] },
      },
      balanceShown: {
        meta: SCREENS.balanceShown,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "idle" }] },
      },
      printing: {
        meta: SCREENS.printing,
        invoke: {
          id: "printSlip",
          src: "printSlip",
          input: ({ context }) => context.printJob ?? { journalId: -1, reprint: true },
          onDone: [
            { guard: ({ event, context }) => event.output.ok && context.signedIn, target: "idle" },
            { guard: ({ event }) => event.output.ok, target: "signInFailed" },
            { guard: ({ event }) => !event.output.ok && event.output.paperOut, target: "paperOut" },
            {
              target: "printFailed",
              actions: assign({
                message: ({ event }) => (event.output.ok ? undefined : textOf(event.output)),
              }),
            },
          ],
          onError: { target: "printFailed", actions: assign({ message: MESSAGES.printerError }) },
        },
      },
      paperOut: {
        meta: SCREENS.paperOut,
        on: {
          KEY: [{ guard: press(["enter"]), target: "printing" }, ...home(["cancel"])],
          PAPER_LOADED: { target: "printing" },
        },
      },
      printFailed: {
        meta: SCREENS.printFailed,
        on: { KEY: [{ guard: press(["enter"]), target: "printing" }, ...home(["cancel"])] },
      },
      managementMenu: {
        meta: SCREENS.managementMenu,
        on: {
          KEY: [
            { guard: press(["1"]), target: "signIn" },
            ...restricted(["2"], [], "signOut", [{ guard: press(["2"]), target: "signingOut" }]),
            ...restricted(["3"], [], "settle", [{ guard: press(["3"]), target: "settleConfirm" }]),
            // With nothing to reprint there is nothing to authorize.
            ...restricted(["4"], ["hasLastTransaction"], "reprintLast", [
              {
                guard: press(["4"], ["hasLastTransaction"]),
                target: "printing",
                actions: "queueReprintLast",
              },
            ]),
            { guard: press(["4"]), target: "noTransaction" },
            ...restricted(["5"], [], "reprintStan", [
              { guard: press(["5"]), target: "reprintStan", actions: "clearEntry" },
            ]),
            ...restricted(["6"], [], "download", [{ guard: press(["6"]), target: "downloading" }]),
            { guard: press(["7"]), target: "instantQuerying" },
            { guard: press(["8"]), target: "passwordUser", actions: "beginPasswordChange" },
            ...home(["cancel"]),
          ],
        },
      },
      signingOut: {
        meta: SCREENS.signingOut,
        invoke: {
          id: "signOut",
          src: "signOut",
          onDone: [
            {
              guard: ({ event }) => event.output.ok,
              target: "signInFailed",
              actions: assign({ signedIn: false, message: MESSAGES.signedOut }),
            },
            { target: "managementNotice", actions: assign({ message: ({ event }) => textOf(event.output) }) },
          ],
          onError: { target: "managementNotice", actions: assign({ message: MESSAGES.signOutError }) },
        },
      },
      settleConfirm: {
        meta: SCREENS.settleConfirm,
        on: {
          KEY: [
            { guard: press(["enter"]), target: "settling" },
            { guard: press(["cancel"]), target: "managementMenu" },
          ],
        },
      },
      settling: {
        meta: SCREENS.settling,
        invoke: {
          id: "settle",
          src: "settle",
          onDone: {
            target: "settlementResult",
            actions: assign({ message: ({ event }) => textOf(event.output) }),
          },
          onError: { target: "settlementResult", actions: assign({ message: MESSAGES.settleError }) },
        },
      },
      settlementResult: {
        meta: SCREENS.settlementResult,
        on: { KEY: [...home(["enter", "cancel"])] },
      },
      reprintStan: {
        meta: SCREENS.reprintStan,
        on: {
          KEY: [
            { guard: press(DIGITS), actions: { type: "typeField", params: { field: "stan" } } },
            { guard: press(["clear"]), actions: { type: "deleteDigit", params: { buffer: "entry" } } },
            {
              guard: press(["enter"], ["stanValid", "originalInJournal"]),
              target: "printing",
              actions: "queueReprintByStan",
            },
            { guard: press(["enter"], ["stanValid"]), target: "noTransaction", actions: "clearEntry" },
            { guard: press(["cancel"]), target: "managementMenu" },
          ],
        },
      },
      noTransaction: {
        meta: SCREENS.noTransaction,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "managementMenu" }] },
      },
      downloading: {
        meta: SCREENS.downloading,
        invoke: {
          id: "downloadParameters",
          src: "downloadParameters",
          onDone: {
            target: "managementNotice",
            actions: assign({ message: ({ event }) => textOf(event.output) }),
          },
          onError: { target: "managementNotice", actions: assign({ message: MESSAGES.downloadError }) },
        },
      },
      managementNotice: {
        meta: SCREENS.managementNotice,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "managementMenu" }] },
      },
      instantQuerying: {
        meta: SCREENS.instantQuerying,
        invoke: {
          id: "queryInstantSettlement",
          src: "queryInstantSettlement",
          onDone: [
            {
              guard: ({ event }) => event.output.ok && event.output.enabled,
              target: "instantSummary",
              actions: assign({ message: ({ event }) => textOf(event.output) }),
            },
            // Refused, or a merchant without D0: say so on the management notice.
            { target: "managementNotice", actions: assign({ message: ({ event }) => textOf(event.output) }) },
          ],
          onError: { target: "managementNotice", actions: assign({ message: MESSAGES.instantQueryError }) },
        },
      },
      instantSummary: {
        meta: SCREENS.instantSummary,
        on: {
          KEY: [
            { guard: press(["enter"]), target: "instantPrinting" },
            { guard: press(["cancel"]), target: "managementMenu" },
          ],
        },
      },
      instantPrinting: {
        meta: SCREENS.instantPrinting,
        invoke: {
          id: "printInstantSettlement",
          src: "printInstantSettlement",
          onDone: [
            { guard: ({ event }) => event.output.ok, target: "managementMenu" },
            {
              target: "managementNotice",
              actions: assign({
                message: ({ event }) => (event.output.ok ? undefined : textOf(event.output)),
              }),
            },
          ],
          onError: { target: "managementNotice", actions: assign({ message: MESSAGES.printerError }) },
        },
      },
      passwordUser: {
        meta: SCREENS.passwordUser,
        on: {
          KEY: [
            { guard: press(DIGITS), actions: "typeUserId" },
            { guard: press(["clear"]), actions: { type: "deleteDigit", params: { buffer: "entry" } } },
            {
              guard: press(["enter"], ["userIdValid"]),
              target: "passwordCurrent",
              actions: "commitPasswordUser",
            },
            { guard: press(["cancel"]), target: "managementMenu", actions: "endPasswordChange" },
          ],
        },
      },
      passwordCurrent: {
        meta: SCREENS.passwordCurrent,
        entry: ["resetPasswordCount", { type: "startSlot", params: { slot: "current" } }],
        exit: "wipeChangeUnlessSubmitted",
        on: {
          KEY: [
            {
              guard: press(DIGITS),
              actions: [{ type: "typeSlot", params: { slot: "current" } }, "countPasswordDigit"],
            },
            {
              guard: press(["clear"]),
              actions: [{ type: "eraseSlot", params: { slot: "current" } }, "uncountPasswordDigit"],
            },
            { guard: press(["enter"], ["passwordComplete"]), target: "passwordNew" },
            { guard: press(["cancel"]), target: "managementMenu", actions: "endPasswordChange" },
          ],
        },
      },
      passwordNew: {
        meta: SCREENS.passwordNew,
        entry: ["resetPasswordCount", { type: "startSlot", params: { slot: "next" } }],
        exit: "wipeChangeUnlessSubmitted",
        on: {
          KEY: [
            {
              guard: press(DIGITS),
              actions: [{ type: "typeSlot", params: { slot: "next" } }, "countPasswordDigit"],
            },
            {
              guard: press(["clear"]),
              actions: [{ type: "eraseSlot", params: { slot: "next" } }, "uncountPasswordDigit"],
            },
            { guard: press(["enter"], ["passwordTyped"]), target: "passwordRepeat" },
            { guard: press(["cancel"]), target: "managementMenu", actions: "endPasswordChange" },
          ],
        },
      },
      passwordRepeat: {
        meta: SCREENS.passwordRepeat,
        entry: ["resetPasswordCount", { type: "startSlot", params: { slot: "repeat" } }],
        exit: "wipeChangeUnlessSubmitted",
        on: {
          KEY: [
            {
              guard: press(DIGITS),
              actions: [{ type: "typeSlot", params: { slot: "repeat" } }, "countPasswordDigit"],
            },
            {
              guard: press(["clear"]),
              actions: [{ type: "eraseSlot", params: { slot: "repeat" } }, "uncountPasswordDigit"],
            },
            { guard: press(["enter"], ["passwordTyped"]), target: "changingPassword" },
            { guard: press(["cancel"]), target: "managementMenu", actions: "endPasswordChange" },
          ],
        },
      },
      changingPassword: {
        meta: SCREENS.changingPassword,
        invoke: {
          id: "changePassword",
          src: "changePassword",
          input: ({ context }) => ({ userId: context.passwordChangeUser ?? "" }),
          onDone: {
            target: "passwordResult",
            actions: [assign({ message: ({ event }) => textOf(event.output) }), "endPasswordChange"],
          },
          onError: {
            target: "passwordResult",
            actions: [assign({ message: MESSAGES.passwordChangeError }), "endPasswordChange"],
          },
        },
      },
      passwordResult: {
        meta: SCREENS.passwordResult,
        on: { KEY: [{ guard: press(["enter", "cancel"]), target: "managementMenu" }] },
      },
      authUser: {
        meta: SCREENS.authUser,
        on: {
          KEY: [
            { guard: press(DIGITS), actions: "typeUserId" },
            { guard: press(["clear"]), actions: { type: "deleteDigit", params: { buffer: "entry" } } },
            { guard: press(["enter"], ["userIdValid"]), target: "authPassword", actions: "commitUserId" },
            ...ABANDON_AUTH,
          ],
        },
      },
      authPassword: {
        meta: SCREENS.authPassword,
        entry: "startPassword",
        exit: "wipePasswordUnlessSubmitted",
        on: {
          KEY: [
            { guard: press(DIGITS), actions: ["typePassword", "countPasswordDigit"] },
            { guard: press(["clear"]), actions: ["erasePassword", "uncountPasswordDigit"] },
            { guard: press(["enter"], ["passwordComplete"]), target: "authorizing" },
            ...ABANDON_AUTH,
          ],
        },
      },
      authorizing: {
        meta: SCREENS.authorizing,
        invoke: {
          id: "authorize",
          src: "authorize",
          input: ({ context }) => ({
            fn: AUTHORIZED_STEPS[context.auth?.step ?? "void"].fn,
            userId: context.auth?.userId ?? "",
          }),
          onDone: [
            {
              guard: authorizedTo("void"),
              target: "originalStan",
              actions: { type: "startTransaction", params: { type: "void" } },
            },
            {
              guard: authorizedTo("refund"),
              target: "originalStan",
              actions: { type: "startTransaction", params: { type: "refund" } },
            },
            {
              guard: authorizedTo("preauth-void"),
              target: "originalStan",
              actions: { type: "startTransaction", params: { type: "preauth-void" } },
            },
            {
              guard: authorizedTo("preauth-completion-void"),
              target: "originalStan",
              actions: { type: "startTransaction", params: { type: "preauth-completion-void" } },
            },
            { guard: authorizedTo("signOut"), target: "signingOut", actions: "endAuth" },
            { guard: authorizedTo("settle"), target: "settleConfirm", actions: "endAuth" },
            {
              guard: (args) =>
                authorizedTo("reprintLast")(args) && conditions.hasLastTransaction(args.context),
              target: "printing",
              actions: ["endAuth", "queueReprintLast"],
            },
            { guard: authorizedTo("reprintLast"), target: "noTransaction", actions: "endAuth" },
            { guard: authorizedTo("reprintStan"), target: "reprintStan", actions: "endAuth" },
            { guard: authorizedTo("download"), target: "downloading", actions: "endAuth" },
            {
              // Refused (or an ok for no step, which cannot happen): say why, keep where it came from.
              target: "authRefused",
              actions: assign({
                message: ({ event }) => (event.output.ok ? MESSAGES.authorizeError : textOf(event.output)),
              }),
            },
          ],
          onError: { target: "authRefused", actions: assign({ message: MESSAGES.authorizeError }) },
        },
      },
      authRefused: {
        meta: SCREENS.authRefused,
        on: {
          KEY: [
            {
              guard: press(["enter", "cancel"], ["authFromManagement"]),
              target: "managementMenu",
              actions: "endAuth",
            },
            {
              guard: press(["enter", "cancel"], ["authFromPreauthMenu"]),
              target: "preauthMenu",
              actions: "endAuth",
            },
            { guard: press(["enter", "cancel"]), target: "mainMenu", actions: "endAuth" },
          ],
        },
      },
      tampered: {
        meta: SCREENS.tampered,
        // Out of service until the key-injection tool reports new keys: then boot again from the self-test.
        entry: assign(() => ({ ...initialTerminalContext() })),
        on: { REKEYED: { target: "selfTest" } },
      },
    },
  });
}

export type TerminalMachine = ReturnType<typeof createTerminalMachine>;
