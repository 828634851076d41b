import { describe, expect, it } from "vitest";
import { posctl, resetExitCode } from "../support/posctl.js";

resetExitCode();

describe("posctl tlv decode", () => {
  it("prints primitive tags as JSON with uppercase hex values", async () => {
    const { stdout, exitCode } = await posctl("tlv", "decode", "9f26084f6b8d40197be7539f270180");
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { tag: "9F26", value: "4F6B8D40197BE753" },
      { tag: "9F27", value: "80" },
    ]);
  });

  it("constructed tags keep their value and list children", async () => {
    const { stdout } = await posctl("tlv", "decode", "770A82027C00940408010100");
    expect(JSON.parse(stdout)).toEqual([
      {
        tag: "77",
        value: "82027C00940408010100",
        children: [
          { tag: "82", value: "7C00" },
          { tag: "94", value: "08010100" },
        ],
      },
    ]);
  });

  it("--describe prints the masked dump with tag names", async () => {
    const { stdout } = await posctl("tlv", "decode", "5A0862284804025648909F0206000000000200", "--describe");
    expect(stdout).toBe(
      [
        "5A Application Primary Account Number (PAN) (8): 622848******4890",
        "9F02 Amount, Authorised (Numeric) (6): 000000000200",
        "",
      ].join("\n"),
    );
  });

  it("--describe --reveal shows the PAN; --padding skips 00/FF filler", async () => {
    const revealed = await posctl("tlv", "decode", "5A086228480402564890", "--describe", "--reveal");
    expect(revealed.stdout).toContain("6228480402564890");
    const padded = await posctl("tlv", "decode", "00 9F3701AA FFFF", "--padding");
    expect(JSON.parse(padded.stdout)).toEqual([{ tag: "9F37", value: "AA" }]);
  });

  it("bad TLV ends with exit status 2 and one line naming tag and offset", async () => {
    const { stdout, stderr, exitCode } = await posctl("tlv", "decode", "5A01AA9F2608AABB");
    expect(exitCode).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe("posctl: tag 9F26, offset 3: length 8 runs past the end (2 bytes left)\n");
  });

  it("bad hex ends with exit status 2", async () => {
    const { stderr, exitCode } = await posctl("tlv", "decode", "9F2G");
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/^posctl: tlv hex, offset 3: not a hex digit/);
  });
});
