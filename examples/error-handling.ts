// Timeouts, retries on TransientError, failures that do not stop the workflow, and loops that
// only need some of their children to succeed (dflow's test_error_handling; success-ratio.ts is the
// port of test_success_ratio).
import { FunctionOPTemplate, Step, Workflow } from "dflow-ts";
import { flaky, sleepFor } from "./ops/math.ts";

const retried = new FunctionOPTemplate(flaky, { name: "flaky-retried", retryOnTransientError: 2 });
// A template-level timeout of 1 s (every step using it), counted as a transient error.
const slowAsTransient = new FunctionOPTemplate(sleepFor, { name: "sleep-retried", timeout: 1, retryOnTransientError: 1, timeoutAsTransientError: true });

const wf = new Workflow({ name: "error-handling" });
wf.add([
  // Fails three times with a transient error (1 try + 2 retries), then the workflow goes on.
  new Step({ name: "transient", template: retried, parameters: { fail: "transient" }, continueOnFailed: true }),
  // A fatal error is never retried.
  new Step({ name: "fatal", template: retried, parameters: { fail: "fatal" }, continueOnFailed: true }),
  // Killed after 1 s; the timeout counts as a transient error and is retried once.
  new Step({ name: "too-slow", template: slowAsTransient, parameters: { seconds: 30 }, continueOnFailed: true }),
  // A step-level timeout: this step only; not retried (a timeout is fatal by default).
  new Step({ name: "step-timeout", template: sleepFor, parameters: { seconds: 30 }, timeout: 1, continueOnFailed: true }),
]);
// Three of the four children succeed: enough for a ratio of 0.7 and for 3 successes.
wf.add([
  new Step({
    name: "ratio",
    template: flaky,
    parameters: { fail: "{{item}}" },
    withParam: ["never", "never", "never", "fatal"],
    continueOnSuccessRatio: 0.7,
  }),
  new Step({
    name: "count",
    template: flaky,
    parameters: { fail: "{{item}}" },
    withParam: ["never", "fatal", "never", "never"],
    continueOnNumSuccess: 3,
  }),
]);
wf.add(new Step({ name: "after", template: flaky, parameters: { fail: "never" } }));
export default wf;
