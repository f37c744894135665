// A throw-away self-signed certificate for the stub's https listener, made with openssl (there is
// no X.509 writer in node:crypto). The certificate is its own CA: clients trust it via a CA file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface SelfSigned {
  key: Buffer;
  cert: Buffer;
  /** PEM file of the certificate, to pass as the client's CA file. */
  certFile: string;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function selfSignedCert(): SelfSigned {
  const dir = mkdtempSync(path.join(tmpdir(), "argo-stub-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile,
      "-days", "2", "-subj", "/CN=argo-stub", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}
