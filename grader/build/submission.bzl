"""A folder of lab sources as a Bazel repository (@submission): the bench's floor.

For trusted sources only. Bazel never compiles or links a student's file: a
compiler and a linker read whatever files they can see, and constexpr runs
for as long as it is asked. The grader compiles and links each submission in
its jail (grader/build/compile_jail.h, student_link.h), the way this rule
builds a folder named in LABKIT_SUBMISSION: per lab whose files are all
there, the lab's code as the shared library the student process of each
graded case loads, served by the lab's call server (grader/harness/
remote_client.h). The bench (bench/grade_bench.sh) builds it to time the
least any grader must do. Unset, the repository is empty.
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
            path = ctx.path("%s/%s/%s" % (staged, lab["id"], name))
            if path.exists:
                ctx.symlink(path, "%s/%s" % (lab["id"], name))
                srcs.append("%s/%s" % (lab["id"], name))
        if len(srcs) == len(lab["files"]):
            build.append(_LAB.format(id = lab["id"], srcs = srcs))
    ctx.file("BUILD", "\n".join(build))

submission_repository = repository_rule(
    implementation = _submission_impl,
    environ = ["LABKIT_SUBMISSION"],
)
