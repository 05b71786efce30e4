"""The submission being graded, as a Bazel repository (@submission).

The grader stages a submission's lab files into a fresh folder and names it
in LABKIT_SUBMISSION; this rule copies those files in and writes BUILD files
the grader owns: per lab whose files are all there, the student's code as
the shared library the student process of each graded case loads, served by
the lab's call server (grader/harness/remote_client.h). The tests are never
linked with it: they run in a process of their own. A new folder name re-runs the rule, so one warm Bazel server
builds submission after submission. Unset, the repository is empty.
"""

_LAB = """
cc_library(
    name = "{id}",
    srcs = {srcs},
    deps = ["@//labs/{id}:contract"],
)

student_library("{id}_student.so", ":{id}", "@//grader/hidden/{id}:call_server")
"""

def _submission_impl(ctx):
    staged = ctx.os.environ.get("LABKIT_SUBMISSION", "")
    catalog = json.decode(ctx.read(ctx.path(Label("//labs:labs.json"))))
    build = [
        'package(default_visibility = ["//visibility:public"])\n',
        'load("@//grader:lab_suite.bzl", "student_library")\n',
    ]
    for lab in catalog["labs"] if staged else []:
        srcs = []
        for name in lab["files"]:
            source = ctx.path("%s/%s/%s" % (staged, lab["id"], name))
            if source.exists:
                ctx.file("%s/%s" % (lab["id"], name), ctx.read(source), executable = False)
                srcs.append("%s/%s" % (lab["id"], name))
        if len(srcs) == len(lab["files"]):
            build.append(_LAB.format(id = lab["id"], srcs = srcs))
    ctx.file("BUILD", "\n".join(build))

submission_repository = repository_rule(
    implementation = _submission_impl,
    environ = ["LABKIT_SUBMISSION"],
)
