#!/usr/bin/python3
"""Checks a release's GitHub Classroom workflow against labs/labs.json.

Usage: classroom_check.py WORKFLOW.yml LABS.json

Parses the workflow as GitHub does (YAML, with python3-yaml) and checks what
GitHub Classroom needs: the job runs on ubuntu-24.04; there is one graded
step per lab of the catalogue, in its order, each running a ./labkit command
through classroom-resources/autograding-command-grader with a timeout (in
minutes, 1 to 60) and points; and the reporter, after them, lists every
graded step and reads each one's result. On success it prints the graded
steps as JSON ({"lab", "id", "command", "timeout_minutes", "max_score"}),
one a line, for `./labkit test` to run as written; otherwise it prints each
problem on a line of its own to stderr and exits 1.
"""
import json
import re
import sys

import yaml

COMMAND_GRADER = "classroom-resources/autograding-command-grader@"
REPORTER = "classroom-resources/autograding-grading-reporter@"


def step_id(lab_id):
    return "lab-" + lab_id.replace("_", "-")


def check(workflow, labs):
    """The graded steps, and the problems found."""
    problems = []
    # YAML 1.1 reads a bare `on` as true: GitHub's own files quote it.
    if "on" not in workflow and True not in workflow:
        problems.append("the workflow has no 'on' triggers")
    jobs = workflow.get("jobs") or {}
    if len(jobs) != 1:
        return [], problems + ["the workflow must have exactly one job, not %d" % len(jobs)]
    (job_name, job), = jobs.items()
    if job.get("runs-on") != "ubuntu-24.04":
        problems.append("job %s runs on %r, not ubuntu-24.04 (the first Ubuntu whose "
                        "bazel-bootstrap is 4.2.3)" % (job_name, job.get("runs-on")))
    steps = job.get("steps") or []
    graded = [s for s in steps if str(s.get("uses", "")).startswith(COMMAND_GRADER)]
    reporters = [i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith(REPORTER)]

    wanted = [step_id(lab["id"]) for lab in labs]
    found = [s.get("id") for s in graded]
    if found != wanted:
        problems.append("the graded steps are %s; labs/labs.json wants one per lab, in order: %s"
                        % (found, wanted))
    rows = []
    for lab, step in zip(labs, graded):
        inputs = step.get("with") or {}
        sid = step.get("id")
        command = str(inputs.get("command", ""))
        if not re.match(r"^(sudo )?\./labkit \S", command):
            problems.append("step %s: its command %r is not a ./labkit command" % (sid, command))
        if not inputs.get("test-name"):
            problems.append("step %s has no test-name" % sid)
        timeout = inputs.get("timeout")
        if not isinstance(timeout, int) or not 1 <= timeout <= 60:
            problems.append("step %s: timeout %r is not 1 to 60 minutes" % (sid, timeout))
        points = inputs.get("max-score")
        if not isinstance(points, int) or points <= 0:
            problems.append("step %s: max-score %r is not a positive number of points" % (sid, points))
        rows.append({"lab": lab["id"], "id": sid, "command": command,
                     "timeout_minutes": timeout, "max_score": points})

    if len(reporters) != 1:
        problems.append("the workflow needs one %s step, not %d" % (REPORTER, len(reporters)))
    else:
        at = reporters[0]
        reporter = steps[at]
        if any(steps.index(s) > at for s in graded):
            problems.append("the reporter runs before a graded step")
        runners = [r.strip() for r in str((reporter.get("with") or {}).get("runners", "")).split(",")]
        if runners != found:
            problems.append("the reporter's runners are %s, not the graded steps %s" % (runners, found))
        env = reporter.get("env") or {}
        for sid in found:
            variable = "%s_RESULTS" % str(sid).upper()
            expected = "${{steps.%s.outputs.result}}" % sid
            if str(env.get(variable, "")).replace(" ", "") != expected:
                problems.append("the reporter's env %s is %r, not %r"
                                % (variable, env.get(variable), expected))
    return rows, problems


def main(argv):
    if len(argv) != 3:
        print("usage: classroom_check.py WORKFLOW.yml LABS.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1]) as f:
            workflow = yaml.safe_load(f)
        with open(argv[2]) as f:
            labs = json.load(f)["labs"]
    except (OSError, yaml.YAMLError, ValueError, KeyError) as error:
        print("cannot read the workflow or the catalogue: %s" % error, file=sys.stderr)
        return 1
    if not isinstance(workflow, dict):
        print("%s is not a workflow (a YAML mapping)" % argv[1], file=sys.stderr)
        return 1
    rows, problems = check(workflow, labs)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    for row in rows:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
