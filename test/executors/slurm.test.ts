import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { InputArtifact, InputParameter, OutputArtifact, OutputParameter, ShellOPTemplate, Step, Workflow } from "../../src/index.ts";
import { closeAll } from "../../src/executors/client/ssh.ts";
import { executor, skip, tempRoot } from "./services.ts";

const makeFile = new ShellOPTemplate({
  name: "make-file",
  script: "mkdir -p /tmp/out && echo 'hello {{inputs.parameters.who}}' > /tmp/out/foo.txt && hostname > /tmp/out/host && echo made",
  inputs: { parameters: { who: new InputParameter<string>() } },
  outputs: {
    parameters: { host: new OutputParameter<string>({ valueFromPath: "/tmp/out/host" }) },
    artifacts: { foo: new OutputArtifact({ path: "/tmp/out/foo.txt" }) },
  },
});
const upper = new ShellOPTemplate({
  name: "upper",
  script: "mkdir -p /tmp/res && tr a-z A-Z < /tmp/in/foo > /tmp/res/up.txt && cat /tmp/res/up.txt",
  inputs: { artifacts: { foo: new InputArtifact({ path: "/tmp/in/foo" }) } },
  outputs: {
    parameters: { up: new OutputParameter<string>({ valueFromPath: "/tmp/res/up.txt" }) },
    artifacts: { res: new OutputArtifact({ path: "/tmp/res" }) },
  },
});

afterAll(() => closeAll());

describe.skipIf(skip.slurm())("DispatcherExecutor on Slurm over SSH", () => {
  it("runs steps as Slurm jobs with parameter and artifact outputs", async () => {
    const slurm = executor({ scheduler: "slurm", resources: { cpusPerNode: 1, time: 600 } });
    const s0 = new Step({ name: "make", template: makeFile, parameters: { who: "slurm" }, executor: slurm });
    const s1 = new Step({ name: "upper", template: upper, artifacts: { foo: s0.outputs.artifacts.foo }, executor: slurm });
    const wf = new Workflow({ name: "exec-slurm" });
    wf.add(s0);
    wf.add(s1);
    await wf.submit({ root: tempRoot() });
    const phase = await wf.wait();
    const [make] = await wf.queryStep({ name: "make" });
    const [up] = await wf.queryStep({ name: "upper" });
    expect(phase, JSON.stringify((await wf.queryStep()).map((s) => [s.name, s.phase, s.message]))).toBe("Succeeded");
    expect(make!.outputs.parameters.host!.value).toBeTruthy();
    expect(make!.outputs.result).toBe("made");
    expect(up!.outputs.parameters.up!.value).toBe("HELLO SLURM");
    expect(up!.outputs.result).toBe("HELLO SLURM");
    expect(readFileSync(`${up!.outputs.artifacts.res!.path}/up.txt`, "utf8")).toBe("HELLO SLURM\n");
  });
});
