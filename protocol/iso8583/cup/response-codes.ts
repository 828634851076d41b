/**
 * Field 39 response codes (§1.10) as data: operator text in Chinese and English, the action class
 * and whether the terminal must sign in again before the next financial message.
 * Classes: A success, B retry, C fail (no retry), D operator action (capture / call), E system fault.
 */
export type ActionClass = "A" | "B" | "C" | "D" | "E";

export const ACTION_CLASSES: Record<ActionClass, string> = {
  A: "success",
  B: "retry",
  C: "fail, do not retry",
  D: "operator action (capture card / call)",
  E: "system fault",
};

export interface ResponseCodeInfo {
  zh: string;
  en: string;
  action: ActionClass;
  reSignIn: boolean;
}

const rc = (zh: string, en: string, action: ActionClass, reSignIn = false): ResponseCodeInfo => ({
  zh,
  en,
  action,
  reSignIn,
});

export const RESPONSE_CODES: Readonly<Record<string, ResponseCodeInfo>> = {
  "00": rc("交易成功", "Approved", "A"),
  "01": rc("请持卡人与发卡银行联系", "Refer to card issuer", "C"),
  "02": rc("请持卡人与发卡银行联系", "Refer to card issuer, special condition", "C"),
  "03": rc("无效商户", "Invalid merchant", "C"),
  "04": rc("此卡被没收", "Pick up card", "D"),
  "05": rc("持卡人认证失败", "Do not honour", "C"),
  "06": rc("交易失败", "Error", "E"),
  "07": rc("此卡被没收", "Pick up card, special condition", "D"),
  "09": rc("交易处理中", "Request in progress", "B"),
  "10": rc("部分承兑", "Approved for partial amount", "A"),
  "11": rc("成功，VIP客户", "Approved (VIP)", "A"),
  "12": rc("无效交易", "Invalid transaction", "C"),
  "13": rc("无效金额", "Invalid amount", "B"),
  "14": rc("无效卡号", "Invalid card number", "C"),
  "15": rc("此卡无对应发卡方", "No such issuer", "C"),
  "19": rc("请重新刷卡交易", "Re-enter transaction", "C"),
  "20": rc("无效应答", "Invalid response", "C"),
  "21": rc("不做任何处理", "No action taken", "C"),
  "22": rc("操作有误，请重新签到", "Suspected malfunction, sign in again", "C", true),
  "23": rc("不可接受的交易费", "Unacceptable transaction fee", "C"),
  "25": rc("找不到原始交易", "Original transaction not found", "C"),
  "30": rc("格式错误", "Format error", "C"),
  "31": rc("交换中心不支持的银行", "Bank not supported by switch", "C"),
  "33": rc("过期的卡", "Expired card", "D"),
  "34": rc("有作弊嫌疑", "Suspected fraud", "D"),
  "35": rc("受卡方与安全保密部门联系", "Card acceptor contact acquirer security", "D"),
  "36": rc("受限制的卡", "Restricted card", "D"),
  "37": rc("受卡方呼受理方安全保密部门", "Card acceptor call acquirer security", "D"),
  "38": rc("密码错误次数超限", "PIN tries exceeded", "D"),
  "40": rc("发卡行不支持的交易", "Function not supported by issuer", "C"),
  "41": rc("挂失卡", "Lost card", "D"),
  "43": rc("被窃卡", "Stolen card", "D"),
  "51": rc("余额不足", "Insufficient funds", "C"),
  "54": rc("过期的卡", "Expired card", "C"),
  "55": rc("密码错误", "Incorrect PIN", "B"),
  "57": rc("不允许持卡人进行的交易", "Transaction not permitted to cardholder", "C"),
  "58": rc("不允许终端进行的交易", "Transaction not permitted to terminal", "C"),
  "59": rc("卡片校验错", "Card verification error", "C"),
  "61": rc("超出金额限制", "Exceeds amount limit", "C"),
  "62": rc("受限制的卡", "Restricted card", "C"),
  "64": rc("原始金额错误", "Amount differs from original", "C"),
  "65": rc("超出取款次数限制", "Exceeds frequency limit", "C"),
  "68": rc("交易超时，请重试", "Response received too late", "B"),
  "75": rc("密码错误次数超限", "PIN tries exceeded", "D"),
  "77": rc("请重新签到", "Batch number mismatch, sign in again", "C", true),
  "90": rc("日切进行中，请稍后重试", "Cut-off in progress", "B"),
  "91": rc("发卡方不能操作", "Issuer inoperative", "E"),
  "92": rc("金融机构或中间网络设施找不到或无法达到", "Switch or destination unreachable", "E"),
  "94": rc("重复交易", "Duplicate transmission", "E"),
  "96": rc("系统故障", "System malfunction", "E"),
  "97": rc("终端未登记", "Terminal not registered", "D"),
  "98": rc("发卡方超时", "Issuer timeout", "E"),
  "99": rc("PIN格式错，请重新签到", "PIN format or key error, sign in again", "C", true),
  A0: rc("MAC校验错，请重新签到", "MAC verification failed, sign in again", "C", true),
  A1: rc("转账货币不一致", "Currency mismatch", "C"),
  A2: rc("交易成功，请向发卡行确认", "Approved, confirm with issuer", "A"),
  A3: rc("资金到账行账号不正确", "Beneficiary account incorrect", "C"),
  A4: rc("交易成功，请向发卡行确认", "Approved, confirm with issuer", "A"),
  A5: rc("交易成功，请向发卡行确认", "Approved, confirm with issuer", "A"),
  A6: rc("交易成功，请向发卡行确认", "Approved, confirm with issuer", "A"),
  A7: rc("安全处理失败", "Switch security processing failed", "E"),
};

/** The entry for a field 39 value; unknown codes read as a fault so the operator is told, not silently approved. */
export function responseCode(code: string): ResponseCodeInfo {
  if (Object.hasOwn(RESPONSE_CODES, code)) return RESPONSE_CODES[code]!;
  return rc(`未知应答码 ${code}`, `Unknown response code ${code}`, "E");
}

/** Approved: class A (00, 10, 11, A2, A4–A6). */
export function isApproved(code: string): boolean {
  return Object.hasOwn(RESPONSE_CODES, code) && RESPONSE_CODES[code]!.action === "A";
}
