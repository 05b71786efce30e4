"""The submission being graded, as a Bazel repository (@submission).

Bazel never compiles a student's file: a compiler reads whatever files it can
see and runs constexpr for as long as it is asked. The grader compiles each
one to an object in its compile jail (grader/build/compile_jail.h) and names
the folder of objects, <lab>/<stem>.pic.o, in LABKIT_SUBMISSION. This rule
links them with BUILD files the grader owns: per lab whose objects are all
there, the student's code as the shared library the student process of each
graded case loads, served by the lab's call server (grader/harness/
remote_client.h). The tests are never linked with it: they run in a process
of their own. A folder that holds a lab's .cc instead is compiled here as
before: for trusted sources only (the bench's floor). A new folder name
re-runs the rule, so one warm Bazel server
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
            # -fPIC objects: Bazel 4.2 links a .pic.o into executables and
            # shared libraries alike.
            for candidate in [name.rsplit(".", 1)[0] + ".pic.o", name]:
                path = ctx.path("%s/%s/%s" % (staged, lab["id"], candidate))
                if path.exists:
                    ctx.symlink(path, "%s/%s" % (lab["id"], candidate))
                    srcs.append("%s/%s" % (lab["id"], candidate))
                    break
        if len(srcs) == len(lab["files"]):
            build.append(_LAB.format(id = lab["id"], srcs = srcs))
    ctx.file("BUILD", "\n".join(build))

submission_repository = repository_rule(
    implementation = _submission_impl,
    environ = ["LABKIT_SUBMISSION"],
)
