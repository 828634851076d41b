/**
 * What each state of the terminal chart shows and what each key does there: the operator's manual as data.
 * Chinese first (the merchant's language), English beside it for service staff and logs.
 */
import type { AdminFunction } from "../admin/permissions.js";
import type { TransactionType } from "../journal/transaction-record.js";
import type { StateMeta } from "./screen-meta.js";
import {
  type AuthorizationRefusal,
  type BilingualText,
  DIGIT_KEYS,
  type Key,
  type PasswordChangeRefusal,
} from "./terminal-services.js";

const t = (zh: string, en: string): BilingualText => ({ zh, en });

export const TRANSACTION_NAMES: Record<TransactionType, BilingualText> = {
  sale: t("消费", "Sale"),
  void: t("撤销", "Void"),
  refund: t("退货", "Refund"),
  preauth: t("预授权", "Pre-authorization"),
  "preauth-void": t("预授权撤销", "Pre-auth void"),
  "preauth-completion": t("预授权完成", "Pre-auth completion"),
  "preauth-completion-advice": t("预授权完成通知", "Completion advice"),
  "preauth-completion-void": t("预授权完成撤销", "Completion void"),
  balance: t("余额查询", "Balance inquiry"),
};

/** The functions a role check guards, as its screen names them. */
export const ADMIN_FUNCTION_NAMES: Record<AdminFunction, BilingualText> = {
  void: t("撤销", "Void"),
  refund: t("退货", "Refund"),
  settlement: t("结算", "Settlement"),
  "preauth-void": t("预授权撤销", "Pre-auth void"),
  "completion-void": t("预授权完成撤销", "Completion void"),
  "sign-out": t("签退", "Sign-out"),
  "parameter-download": t("参数下载", "Parameter download"),
  reprint: t("重打印", "Reprint"),
  "backup-restore": t("备份恢复", "Backup and restore"),
  "factory-reset": t("恢复出厂设置", "Factory reset"),
  "password-admin": t("密码管理", "Password administration"),
};

/**
 * What the refused screen says for each reason (the services return these as the result's zh/en; the
 * chart shows whatever text the result carries).
 */
export const AUTH_REFUSALS: Record<AuthorizationRefusal, BilingualText> = {
  "unknown-user": t("操作员不存在", "Unknown user number"),
  "wrong-password": t("密码错误", "Wrong password"),
  locked: t("已锁定 请稍后再试", "Locked: try later"),
  expired: t("密码已过期 请修改", "Password expired: change it"),
  forbidden: t("无权限", "Not permitted"),
};

/** What a refused password change says (the admin module's rules: 6 to 12 digits, not the old one). */
export const PASSWORD_CHANGE_REFUSALS: Record<PasswordChangeRefusal, BilingualText> = {
  "unknown-user": t("操作员不存在", "Unknown user number"),
  "wrong-password": t("原密码错误", "Wrong current password"),
  locked: t("已锁定 请稍后再试", "Locked: try later"),
  "weak-password": t("新密码须为6至12位数字", "The new password must be 6 to 12 digits"),
  "same-password": t("新密码不能与原密码相同", "The new password must differ from the current one"),
  mismatch: t("两次输入的新密码不一致", "The new passwords do not match"),
};

/** Fixed texts the chart puts into `message` itself (service results bring their own). */
export const MESSAGES = {
  signedOut: t("已签退", "Signed out"),
  signInError: t("签到失败：通讯错误", "Sign-in failed: communication error"),
  journalError: t("交易流水恢复失败", "Journal recovery failed"),
  selfTestError: t("自检失败", "Self-test failed"),
  cardReadError: t("读卡失败，请重试", "Card read failed, try again"),
  transactionError: t("交易失败：系统故障", "Transaction failed: system fault"),
  riskError: t("风险检查失败，交易拒绝", "Limit check failed: transaction refused"),
  printerError: t("打印机故障", "Printer fault"),
  settleError: t("结算失败：通讯错误", "Settlement failed: communication error"),
  signOutError: t("签退失败：通讯错误", "Sign-out failed: communication error"),
  downloadError: t("参数下载失败：通讯错误", "Parameter download failed: communication error"),
  authorizeError: t("授权失败：系统故障", "Authorization failed: system fault"),
  instantQueryError: t("到账查询失败：通讯错误", "D0 query failed: communication error"),
  passwordChanged: t("密码修改成功", "Password changed"),
  passwordChangeError: t("修改密码失败：系统故障", "Password change failed: system fault"),
} as const;

function digits(does: string): Partial<Record<Key, string>> {
  return Object.fromEntries(DIGIT_KEYS.map((d) => [d, does]));
}
const fieldKeys = (field: string, rule: string): Partial<Record<Key, string>> => ({
  ...digits(`type a digit of the ${field}`),
  clear: "delete the last digit",
  enter: `confirm the ${field} (${rule})`,
  cancel: "abandon the transaction, back to idle",
});
const acknowledge = (back: string): Partial<Record<Key, string>> => ({
  enter: `acknowledge, back to ${back}`,
  cancel: `back to ${back}`,
});
const wait = (title: BilingualText, line: BilingualText): StateMeta => ({
  screen: { title, lines: [line] },
  keys: {},
});

/** One of the password change's masked fields: asterisks only, digits never on the screen. */
const passwordField = (prompt: BilingualText, enter: string): StateMeta => ({
  screen: { title: t("修改密码", "Change password"), lines: [prompt, t("{password}", "{password}")] },
  keys: {
    ...digits("type a digit of the password (shown as *)"),
    clear: "delete the last digit",
    enter,
    cancel: "abandon the change, back to the management menu",
  },
});

export const SCREENS = {
  selfTest: wait(t("自检", "Self-test"), t("正在检查设备…", "Checking the devices…")),
  outOfService: {
    screen: {
      title: t("暂停服务", "Out of service"),
      lines: [t("{message}", "{message}"), t("请联系维护人员", "Call for service")],
    },
    keys: { enter: "run the self-test again" },
  },
  recoverJournal: wait(t("恢复流水", "Journal recovery"), t("正在恢复交易流水…", "Recovering the journal…")),
  signIn: wait(t("签到", "Sign-in"), t("正在签到，请稍候…", "Signing in, please wait…")),
  signInFailed: {
    screen: {
      title: t("未签到", "Not signed in"),
      lines: [
        t("{message}", "{message}"),
        t("确认键：重新签到", "Enter: sign in again"),
        t("菜单键：管理", "Menu: management"),
      ],
    },
    keys: { enter: "sign in again", menu: "open the management menu" },
  },
  idle: {
    screen: {
      title: t("欢迎使用", "Welcome"),
      lines: [
        t("请输入金额或刷卡/插卡/挥卡", "Type an amount, or swipe, insert or tap"),
        t("菜单键：功能菜单", "Menu: functions"),
      ],
    },
    keys: { ...digits("start a sale, this digit is the first of the amount"), menu: "open the main menu" },
  },
  mainMenu: {
    screen: {
      title: t("主菜单", "Main menu"),
      lines: [
        t("1 消费", "1 Sale"),
        t("2 撤销", "2 Void"),
        t("3 退货", "3 Refund"),
        t("4 预授权", "4 Pre-authorization"),
        t("5 余额查询", "5 Balance inquiry"),
        t("6 管理", "6 Management"),
      ],
    },
    keys: {
      "1": "sale",
      "2": "void (if enabled)",
      "3": "refund (if enabled)",
      "4": "pre-authorization menu (if enabled)",
      "5": "balance inquiry (if enabled)",
      "6": "management menu",
      cancel: "back to idle",
    },
  },
  preauthMenu: {
    screen: {
      title: t("预授权", "Pre-authorization"),
      lines: [
        t("1 预授权", "1 Pre-authorization"),
        t("2 预授权撤销", "2 Pre-auth void"),
        t("3 预授权完成", "3 Completion"),
        t("4 预授权完成撤销", "4 Completion void"),
      ],
    },
    keys: {
      "1": "pre-authorization",
      "2": "pre-authorization void",
      "3": "pre-authorization completion",
      "4": "completion void",
      cancel: "back to the main menu",
    },
  },
  managementMenu: {
    screen: {
      title: t("管理", "Management"),
      lines: [
        t("1 签到", "1 Sign-in"),
        t("2 签退", "2 Sign-out"),
        t("3 结算", "3 Settlement"),
        t("4 重打印最后一笔", "4 Reprint last"),
        t("5 按凭证号重打印", "5 Reprint by trace no."),
        t("6 参数下载", "6 Parameter download"),
        t("7 D0 到账查询", "7 Instant settlement"),
        t("8 修改密码", "8 Change password"),
      ],
    },
    keys: {
      "1": "sign in",
      "2": "sign out",
      "3": "settlement",
      "4": "reprint the last slip",
      "5": "reprint a slip by trace number",
      "6": "download parameters",
      "7": "query the D0 (instant settlement) funds and balance",
      "8": "change a user's own password",
      cancel: "back to idle (to the sign-in screen when not signed in)",
    },
  },
  featureDisabled: {
    screen: { title: t("提示", "Notice"), lines: [t("该功能未开通", "This function is not enabled")] },
    keys: acknowledge("idle"),
  },
  originalStan: {
    screen: {
      title: t("原交易", "Original transaction"),
      lines: [t("{type}", "{type}"), t("原凭证号：", "Original trace no.:"), t("{entry}", "{entry}")],
    },
    keys: fieldKeys("original trace number", "1 to 6 digits"),
  },
  originalRrn: {
    screen: {
      title: t("原交易", "Original transaction"),
      lines: [t("{type}", "{type}"), t("原参考号：", "Original reference no.:"), t("{entry}", "{entry}")],
    },
    keys: fieldKeys("original reference number", "12 digits"),
  },
  originalAuthCode: {
    screen: {
      title: t("原交易", "Original transaction"),
      lines: [
        t("{type}", "{type}"),
        t("原授权码：", "Original authorization code:"),
        t("{entry}", "{entry}"),
      ],
    },
    keys: fieldKeys("original authorization code", "6 digits"),
  },
  originalDate: {
    screen: {
      title: t("原交易", "Original transaction"),
      lines: [
        t("{type}", "{type}"),
        t("原交易日期(月月日日)：", "Original date (MMDD):"),
        t("{entry}", "{entry}"),
      ],
    },
    keys: fieldKeys("original date", "a valid MMDD"),
  },
  originalNotFound: {
    screen: {
      title: t("提示", "Notice"),
      lines: [t("原交易不存在", "Original transaction not found")],
    },
    keys: acknowledge("idle"),
  },
  amountEntry: {
    screen: {
      title: t("输入金额", "Enter amount"),
      lines: [t("{type}", "{type}"), t("金额：¥{amount}", "Amount: ¥{amount}")],
    },
    keys: {
      ...digits("type a digit of the amount (fen; up to 12 digits)"),
      clear: "delete the last digit",
      enter: "confirm the amount",
      cancel: "abandon the transaction, back to idle",
    },
  },
  zeroAmount: {
    screen: {
      title: t("金额无效", "Invalid amount"),
      lines: [t("金额不能为零", "The amount must not be zero")],
    },
    keys: { enter: "type the amount again", clear: "type the amount again", cancel: "back to idle" },
  },
  tipEntry: {
    screen: {
      title: t("输入小费", "Enter tip"),
      lines: [t("金额：¥{amount}", "Amount: ¥{amount}"), t("小费：¥{tip}", "Tip: ¥{tip}")],
    },
    keys: {
      ...digits("type a digit of the tip (fen)"),
      clear: "delete the last digit",
      enter: "confirm the tip (zero for none)",
      cancel: "abandon the transaction, back to idle",
    },
  },
  riskCheck: wait(t("请稍候", "Please wait"), t("正在检查交易限额…", "Checking the limits…")),
  confirmRisk: {
    screen: {
      title: t("请确认", "Please confirm"),
      lines: [
        t("{message}", "{message}"),
        t("金额：¥{total}", "Amount: ¥{total}"),
        t("确认键继续，取消键退出", "Enter: continue, Cancel: stop"),
      ],
    },
    keys: { enter: "continue with the transaction", cancel: "abandon the transaction, back to idle" },
  },
  riskRefused: {
    screen: { title: t("交易受限", "Not allowed"), lines: [t("{message}", "{message}")] },
    keys: acknowledge("idle"),
  },
  presentCard: {
    screen: {
      title: t("请刷卡/插卡/挥卡", "Swipe, insert or tap"),
      lines: [
        t("{type}", "{type}"),
        t("金额：¥{total}", "Amount: ¥{total}"),
        t("或出示付款码", "or show a payment code"),
      ],
    },
    keys: { cancel: "stop waiting for the card, back to idle" },
  },
  cardError: {
    screen: { title: t("读卡失败", "Card read failed"), lines: [t("{message}", "{message}")] },
    keys: { enter: "present the card again", cancel: "abandon the transaction, back to idle" },
  },
  processing: wait(t("处理中", "Processing"), t("正在联机，请勿取卡", "Online, do not remove the card")),
  approved: {
    screen: {
      title: t("交易成功", "Approved"),
      lines: [t("{message}", "{message}"), t("金额：¥{total}", "Amount: ¥{total}")],
    },
    keys: { enter: "print the slip now" },
  },
  declined: {
    screen: { title: t("交易失败", "Not approved"), lines: [t("{message}", "{message}")] },
    keys: acknowledge("idle"),
  },
  balanceShown: {
    screen: {
      title: t("余额查询", "Balance inquiry"),
      lines: [t("余额：¥{balance}", "Balance: ¥{balance}")],
    },
    keys: acknowledge("idle"),
  },
  printing: wait(t("打印中", "Printing"), t("正在打印签购单…", "Printing the slip…")),
  paperOut: {
    screen: {
      title: t("缺纸", "Paper out"),
      lines: [t("缺纸 请装纸后按确认", "Paper out: load paper, press Enter")],
    },
    keys: { enter: "print again", cancel: "leave the slip queued for reprint, back to idle" },
  },
  printFailed: {
    screen: { title: t("打印失败", "Printer fault"), lines: [t("{message}", "{message}")] },
    keys: { enter: "print again", cancel: "leave the slip queued for reprint, back to idle" },
  },
  signingOut: wait(t("签退", "Sign-out"), t("正在签退…", "Signing out…")),
  settleConfirm: {
    screen: {
      title: t("结算", "Settlement"),
      lines: [t("确认结算当前批次？", "Settle the current batch?"), t("确认键结算", "Enter: settle")],
    },
    keys: { enter: "start the settlement", cancel: "back to the management menu" },
  },
  settling: wait(t("结算中", "Settling"), t("正在结算，请稍候…", "Settling, please wait…")),
  settlementResult: {
    screen: { title: t("结算结果", "Settlement result"), lines: [t("{message}", "{message}")] },
    keys: acknowledge("idle"),
  },
  reprintStan: {
    screen: {
      title: t("重打印", "Reprint"),
      lines: [t("请输入凭证号：", "Trace number:"), t("{entry}", "{entry}")],
    },
    keys: { ...fieldKeys("trace number", "1 to 6 digits"), cancel: "back to the management menu" },
  },
  noTransaction: {
    screen: { title: t("提示", "Notice"), lines: [t("无此交易", "No such transaction")] },
    keys: acknowledge("the management menu"),
  },
  downloading: wait(t("参数下载", "Parameter download"), t("正在下载参数…", "Downloading parameters…")),
  managementNotice: {
    screen: { title: t("管理", "Management"), lines: [t("{message}", "{message}")] },
    keys: acknowledge("the management menu"),
  },
  authUser: {
    screen: {
      title: t("授权", "Authorization"),
      lines: [t("{function}", "{function}"), t("请输入操作员号：", "User number:"), t("{entry}", "{entry}")],
    },
    keys: {
      ...digits("type a digit of the user number"),
      clear: "delete the last digit",
      enter: "confirm the user number (2 digits)",
      cancel: "abandon the function: back to idle, or to the management menu for its functions",
    },
  },
  authPassword: {
    screen: {
      title: t("授权", "Authorization"),
      lines: [
        t("{function}", "{function}"),
        t("操作员：{user}", "User: {user}"),
        t("请输入密码：", "Password:"),
        t("{password}", "{password}"),
      ],
    },
    keys: {
      ...digits("type a digit of the password (shown as *)"),
      clear: "delete the last digit",
      enter: "submit the password (6 to 12 digits)",
      cancel: "abandon the function: back to idle, or to the management menu for its functions",
    },
  },
  authorizing: wait(t("授权", "Authorization"), t("正在验证密码…", "Checking the password…")),
  authRefused: {
    screen: { title: t("授权失败", "Not authorized"), lines: [t("{message}", "{message}")] },
    keys: acknowledge("the menu the function was chosen from"),
  },
  instantQuerying: wait(t("D0 到账查询", "Instant settlement"), t("正在查询，请稍候…", "Asking the host…")),
  instantSummary: {
    screen: {
      title: t("D0 到账查询", "Instant settlement"),
      lines: [t("{message}", "{message}"), t("确认 打印  取消 返回", "Enter print, Cancel back")],
    },
    keys: { enter: "print the D0 slip", cancel: "back to the management menu" },
  },
  instantPrinting: wait(t("D0 到账查询", "Instant settlement"), t("正在打印…", "Printing…")),
  passwordUser: {
    screen: {
      title: t("修改密码", "Change password"),
      lines: [t("请输入操作员号：", "User number:"), t("{entry}", "{entry}")],
    },
    keys: {
      ...digits("type a digit of the user number"),
      clear: "delete the last digit",
      enter: "confirm the user number (2 digits)",
      cancel: "back to the management menu",
    },
  },
  passwordCurrent: passwordField(
    t("请输入原密码：", "Current password:"),
    "submit the current password (6 to 12 digits)",
  ),
  passwordNew: passwordField(
    t("请输入新密码：", "New password:"),
    "submit the new password (at least one digit)",
  ),
  passwordRepeat: passwordField(
    t("请再次输入新密码：", "New password again:"),
    "submit the repeat (at least one digit)",
  ),
  changingPassword: wait(t("修改密码", "Change password"), t("正在修改密码…", "Changing the password…")),
  passwordResult: {
    screen: { title: t("修改密码", "Change password"), lines: [t("{message}", "{message}")] },
    keys: acknowledge("the management menu"),
  },
  tampered: {
    screen: {
      title: t("设备被拆", "Tamper detected"),
      lines: [
        t("密钥已清除，暂停服务", "Keys erased: out of service"),
        t("请联系收单机构重新灌装密钥", "Call the acquirer to re-key the terminal"),
      ],
    },
    keys: {},
  },
} satisfies Record<string, StateMeta>;

export type TerminalStateName = keyof typeof SCREENS;
