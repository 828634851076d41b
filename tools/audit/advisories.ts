/**
 * A curated snapshot of published npm advisories (GitHub Advisory Database) of high or critical severity
 * for packages that appear in this project's runtime dependency tree, with their vulnerable ranges. The
 * offline audit checks the installed tree against it when npm's advisory endpoint cannot be reached (the
 * build machines have the registry but not the audit service). Refresh it, with `npm audit --omit=dev`
 * on a connected machine, whenever a runtime dependency changes.
 */
export interface Advisory {
  id: string;
  package: string;
  severity: "high" | "critical";
  /** npm range syntax, alternatives joined by "||". */
  vulnerable: string;
  title: string;
}

export const SNAPSHOT_DATE = "2026-11-23";

export const ADVISORIES: readonly Advisory[] = [
  {
    id: "GHSA-3h5v-q93c-6h6q",
    package: "ws",
    severity: "high",
    vulnerable: ">=2.1.0 <5.2.4 || >=6.0.0 <6.2.3 || >=7.0.0 <7.5.10 || >=8.0.0 <8.17.1",
    title: "DoS when handling a request with many HTTP headers",
  },
  {
    id: "GHSA-cfm4-qjh2-4765",
    package: "node-forge",
    severity: "high",
    vulnerable: "<1.3.0",
    title: "Improper verification of cryptographic signature (RSA PKCS#1 v1.5)",
  },
  {
    id: "GHSA-5gfm-wpxj-wjgq",
    package: "node-forge",
    severity: "high",
    vulnerable: "<1.3.2",
    title: "ASN.1 validator desynchronisation allows signature bypass",
  },
  {
    id: "GHSA-554w-wpv2-vw27",
    package: "node-forge",
    severity: "high",
    vulnerable: "<1.3.2",
    title: "ASN.1 unbounded recursion (denial of service on crafted DER)",
  },
  {
    id: "GHSA-wpg7-2c88-r8xv",
    package: "simple-get",
    severity: "high",
    vulnerable: "<2.8.2 || >=3.0.0 <3.1.1 || >=4.0.0 <4.0.1",
    title: "Exposure of sensitive information (cookies) on redirect to another host",
  },
  {
    id: "GHSA-pq67-2wwv-3xjx",
    package: "tar-fs",
    severity: "high",
    vulnerable: "<1.16.4 || >=2.0.0 <2.1.2 || >=3.0.0 <3.0.8",
    title: "Link following and path traversal when extracting a crafted tarball",
  },
  {
    id: "GHSA-8cj5-5rvv-wf4v",
    package: "tar-fs",
    severity: "high",
    vulnerable: "<1.16.5 || >=2.0.0 <2.1.3 || >=3.0.0 <3.0.9",
    title: "Extraction outside the target directory",
  },
  {
    id: "GHSA-vj76-c3g6-qr5v",
    package: "tar-fs",
    severity: "high",
    vulnerable: "<1.16.6 || >=2.0.0 <2.1.4 || >=3.0.0 <3.1.1",
    title: "Symlink validation bypass with a predictable tarball",
  },
  {
    id: "GHSA-xvch-5gv4-984h",
    package: "minimist",
    severity: "critical",
    vulnerable: "<0.2.4 || >=1.0.0 <1.2.6",
    title: "Prototype pollution",
  },
  {
    id: "GHSA-c2qf-rxjj-qqgw",
    package: "semver",
    severity: "high",
    vulnerable: "<5.7.2 || >=6.0.0 <6.3.1 || >=7.0.0 <7.5.2",
    title: "Regular expression denial of service",
  },
  {
    id: "GHSA-93q8-gq69-wqmw",
    package: "ansi-regex",
    severity: "high",
    vulnerable: ">=3.0.0 <3.0.1 || >=4.0.0 <4.1.1 || >=5.0.0 <5.0.1 || >=6.0.0 <6.0.1",
    title: "Inefficient regular expression complexity",
  },
  {
    id: "GHSA-qqgx-2p2h-9c37",
    package: "ini",
    severity: "high",
    vulnerable: "<1.3.6",
    title: "Prototype pollution",
  },
  {
    id: "GHSA-hr2v-3952-633q",
    package: "deep-extend",
    severity: "critical",
    vulnerable: "<0.5.1",
    title: "Prototype pollution",
  },
];
