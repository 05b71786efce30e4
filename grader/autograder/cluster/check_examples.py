#!/usr/bin/python3
"""Static checks of the autograder's Dockerfile and the cluster examples.

Usage: check_examples.py KIT_ROOT

Nothing here can run where the kit is tested (no Docker, Slurm, Kubernetes
or GitHub), so this checks what can be read: the files parse (YAML with
python3-yaml), the fields the runners need are there, N is the same
wherever it is written, a 0-based index becomes a 1-based shard, every
package comes through ./labkit, and every path the Dockerfile names exists.
Prints each problem on a line and exits 1, or prints what it checked.
"""
import os
import re
import sys

import yaml

problems = []


def expect(ok, problem):
    if not ok:
        problems.append(problem)
    return ok


def read(root, path):
    with open(os.path.join(root, path)) as f:
        return f.read()


def check_dockerfile(root):
    path = "grader/autograder/Dockerfile"
    lines = [l.strip() for l in read(root, path).splitlines()
             if l.strip() and not l.strip().startswith("#")]
    expect(lines and re.match(r"^FROM debian:(12|bookworm)(\b|$)", lines[0]),
           "%s: the first instruction is not FROM debian:12" % path)
    for line in lines:
        expect(not re.search(r"\b(apt-get|apt|dpkg|pip3?)\b", line),
               "%s: %r installs packages itself; they come from ./labkit's PACKAGES" % (path, line))
    runs = [l for l in lines if l.startswith("RUN ")]
    expect(runs == ["RUN /autograder/setup.sh"],
           "%s: its one RUN must be /autograder/setup.sh (./labkit installs, builds and warms), not %s"
           % (path, runs))
    expect("COPY . /autograder" in lines, "%s: it must COPY the unzipped autograder to /autograder" % path)
    # The build context is the Gradescope zip, unzipped: setup.sh and
    # run_autograder from grader/autograder/, the kit under source/.
    in_zip = {"/autograder/setup.sh": "grader/autograder/setup.sh",
              "/autograder/run_autograder": "grader/autograder/run_autograder",
              "/autograder/source": "."}
    for named in sorted(set(re.findall(r"/autograder(?:/[\w.-]+)*", "\n".join(lines)))):
        if named in ("/autograder", "/autograder/submission", "/autograder/results"):
            continue
        source = in_zip.get(named)
        expect(source is not None and os.path.exists(os.path.join(root, source)),
               "%s names %s, which the autograder zip does not hold" % (path, named))
    setup = read(root, "grader/autograder/setup.sh")
    expect("./labkit list" in setup and "./labkit grade solutions" in setup,
           "grader/autograder/setup.sh no longer installs through ./labkit and warms with the reference")
    return "Dockerfile: FROM debian:12, packages only through ./labkit, paths in the zip"


def check_slurm(root):
    base = "grader/autograder/cluster/slurm/"
    shard = read(root, base + "grade_shard.sbatch")
    expect(re.search(r'--shard "\$SLURM_ARRAY_TASK_ID/\$LABKIT_SHARDS"|shard="\$SLURM_ARRAY_TASK_ID/\$LABKIT_SHARDS"',
                     shard), base + "grade_shard.sbatch: the shard is not $SLURM_ARRAY_TASK_ID/$LABKIT_SHARDS")
    expect("./labkit grade --class" in shard and "--out" in shard,
           base + "grade_shard.sbatch does not run ./labkit grade --class ... --out")
    submit = read(root, base + "submit.sh")
    expect('--array="1-$n"' in submit, base + "submit.sh: the array is not 1-N (--shard counts from 1)")
    expect('--dependency="afterok:$array"' in submit,
           base + "submit.sh: the merge does not wait for every shard (afterok on the array)")
    expect("LABKIT_SHARDS=\"$n\"" in submit, base + "submit.sh does not pass N to the tasks")
    merge = read(root, base + "merge.sbatch")
    expect("./labkit gradebook merge" in merge, base + "merge.sbatch does not run ./labkit gradebook merge")
    return "Slurm: array 1-N, shard $SLURM_ARRAY_TASK_ID/N, merge afterok"


def container(job):
    return job["spec"]["template"]["spec"]["containers"][0]


def env_value(c, name):
    for item in c.get("env") or []:
        if item.get("name") == name:
            return item.get("value")
    return None


def check_kubernetes(root):
    base = "grader/autograder/cluster/kubernetes/"
    job = yaml.safe_load(read(root, base + "grade-class-job.yaml"))
    expect(job.get("apiVersion") == "batch/v1" and job.get("kind") == "Job",
           base + "grade-class-job.yaml is not a batch/v1 Job")
    spec = job.get("spec", {})
    expect(spec.get("completionMode") == "Indexed", base + "grade-class-job.yaml: completionMode is not Indexed")
    n = spec.get("completions")
    c = container(job)
    expect(isinstance(n, int) and n >= 1 and str(n) == env_value(c, "LABKIT_SHARDS"),
           base + "grade-class-job.yaml: completions (%r) and LABKIT_SHARDS (%r) differ"
           % (n, env_value(c, "LABKIT_SHARDS")))
    expect(spec.get("parallelism", 1) <= (n or 0), base + "grade-class-job.yaml: parallelism above completions")
    expect(spec["template"]["spec"].get("restartPolicy") in ("Never", "OnFailure"),
           base + "grade-class-job.yaml: a Job's restartPolicy must be Never or OnFailure")
    script = "\n".join(c.get("command", []) + c.get("args", []))
    expect("$((JOB_COMPLETION_INDEX + 1))" in script,
           base + "grade-class-job.yaml: JOB_COMPLETION_INDEX (0-based) is not turned into K = index + 1")
    expect('--shard "$k/$LABKIT_SHARDS"' in script and "./labkit grade --class" in script,
           base + "grade-class-job.yaml does not run ./labkit grade --class ... --shard K/N")
    mounts = {m["name"] for m in c.get("volumeMounts", [])}
    volumes = {v["name"] for v in spec["template"]["spec"].get("volumes", [])}
    expect(mounts and mounts <= volumes, base + "grade-class-job.yaml mounts a volume it does not declare")

    merge = yaml.safe_load(read(root, base + "merge-job.yaml"))
    mc = container(merge)
    expect(env_value(mc, "LABKIT_SHARDS") == str(n),
           base + "merge-job.yaml: LABKIT_SHARDS differs from the grading Job's completions")
    expect("./labkit gradebook merge" in "\n".join(mc.get("args", [])),
           base + "merge-job.yaml does not run ./labkit gradebook merge")
    claim = yaml.safe_load(read(root, base + "class-volume.yaml"))
    expect(claim.get("kind") == "PersistentVolumeClaim" and
           "ReadWriteMany" in claim["spec"].get("accessModes", []),
           base + "class-volume.yaml is not a ReadWriteMany PersistentVolumeClaim")
    return "Kubernetes: indexed Job, completions = LABKIT_SHARDS = %s, index + 1" % n


def check_actions(root):
    path = "grader/autograder/cluster/github-actions/grade-class.yml"
    workflow = yaml.safe_load(read(root, path))
    jobs = workflow.get("jobs", {})
    grade, merge = jobs.get("grade", {}), jobs.get("merge", {})
    shards = grade.get("strategy", {}).get("matrix", {}).get("shard")
    expect(shards == list(range(1, len(shards or []) + 1)) and shards,
           "%s: the matrix's shards are not 1..N" % path)
    runs = "\n".join(s.get("run", "") for s in grade.get("steps", []))
    expect("--shard ${{ matrix.shard }}/${{ strategy.job-total }}" in runs,
           "%s: the shard is not matrix.shard/strategy.job-total" % path)
    expect(merge.get("needs") == "grade", "%s: the merge job does not wait for the grade jobs" % path)
    expect("./labkit gradebook merge" in "\n".join(s.get("run", "") for s in merge.get("steps", [])),
           "%s: the merge job does not run ./labkit gradebook merge" % path)
    for job in (grade, merge):
        expect(job.get("runs-on") == "ubuntu-24.04", "%s: a job does not run on ubuntu-24.04" % path)
    return "GitHub Actions: matrix 1..N, merge needs grade"


def main(argv):
    if len(argv) != 2:
        print("usage: check_examples.py KIT_ROOT", file=sys.stderr)
        return 2
    checked = []
    for check in (check_dockerfile, check_slurm, check_kubernetes, check_actions):
        try:
            checked.append(check(argv[1]))
        except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError, AttributeError) as error:
            problems.append("%s: %s: %s" % (check.__name__, type(error).__name__, error))
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print("\n".join(checked))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
