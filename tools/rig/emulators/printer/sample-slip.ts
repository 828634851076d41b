import {
  COLUMNS_58MM,
  labelValue,
  type ReceiptDocument,
  type ReceiptElement,
  type TextStyle,
} from "../../../../protocol/escpos/index.js";

/**
 * A typical 签购单 (merchant copy of a sale), laid out as device-protocols.md §5.5 describes: about 30
 * lines, masked PAN, Chinese and English labels, an e-receipt QR code and a cut. Used by the rig demo,
 * the printer tests and bench/printer.ts. Sample data only.
 */
export function sampleSaleSlip(
  columns = COLUMNS_58MM,
  copy: "merchant" | "cardholder" = "merchant",
): ReceiptDocument {
  const line = (text: string, style?: TextStyle): ReceiptElement => ({
    kind: "text",
    text,
    ...(style ? { style } : {}),
  });
  const pair = (label: string, value: string) => labelValue(label, value, columns).map((t) => line(t));
  const rule = line("-".repeat(columns));
  return {
    columns,
    elements: [
      line("POS 签 购 单", { align: "center", bold: true, width: 2, height: 2 }),
      line(copy === "merchant" ? "商户存根 MERCHANT COPY" : "持卡人存根 CARDHOLDER COPY", {
        align: "center",
      }),
      rule,
      line("商户名称 MERCHANT NAME:"),
      line("  上海浦东示例便利店"),
      ...pair("商户编号 MERCHANT NO.", "898310058120001"),
      ...pair("终端编号 TERMINAL NO.", "10000123"),
      ...pair("操作员号 OPERATOR", "01"),
      rule,
      ...pair("发卡行 ISSUER", "中国银联"),
      ...pair("收单行 ACQUIRER", "48480000"),
      line("卡号 CARD NUMBER:"),
      line("622848******1234 /C", { bold: true }),
      ...pair("交易类型 TXN TYPE", "消费/SALE"),
      ...pair("有效期 EXP DATE", "2028/12"),
      ...pair("批次号 BATCH NO.", "000123"),
      ...pair("凭证号 VOUCHER NO.", "000456"),
      ...pair("授权码 AUTH NO.", "A1B2C3"),
      ...pair("参考号 REF NO.", "240615123456"),
      ...pair("日期/时间 DATE/TIME", "2024/06/15 12:34:56"),
      line("金额 AMOUNT:"),
      line("RMB 128.50", { bold: true, width: 2, height: 2 }),
      rule,
      line("备注 REFERENCE:"),
      ...pair("AID", "A000000333010101"),
      ...pair("ARQC", "3F6A1C2B9D8E7F01"),
      line("持卡人签名 CARDHOLDER SIGNATURE:"),
      { kind: "feed", lines: 2 },
      line("本人确认以上交易，同意将其记入本卡账户"),
      line("I ACKNOWLEDGE SATISFACTORY RECEIPT OF RELATIVE GOODS/SERVICES"),
      { kind: "qr", content: "https://e-receipt.example.cn/r/898310058120001/000123/000456" },
      line("扫码获取电子签购单", { align: "center" }),
      { kind: "feed", lines: 3 },
      { kind: "cut", partial: true },
    ],
  };
}
