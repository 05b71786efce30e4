"""The submission being graded, as a Bazel repository (@submission).

Bazel never compiles a student's file: a compiler reads whatever files it can
see and runs constexpr for as long as it is asked. The grader compiles each
one to an object in its compile jail (grader/build/compile_jail.h) and names
the folder of objects, <lab>/<stem>.pic.o, in LABKIT_SUBMISSION. This rule
links them in with BUILD files the grader owns: per lab whose objects are
all there, a library of the student's objects and its graded suite (the
kit's public and hidden tests, never the reference). A folder that holds a
lab's .cc instead is compiled here as before: for trusted sources only (the
bench's floor). A new folder name re-runs the rule, so one warm Bazel server
builds submission after submission. Unset, the repository is empty.
"""

_SUITE = """
cc_library(
    name = "{id}",
    srcs = {srcs},
    deps = ["@//labs/{id}:contract"],
)

cc_binary(
    name = "{id}_suite",
    testonly = True,
    # The tests first: a static link resolves symbols left to right.
    deps = [
        "@//grader/hidden/{id}:hidden_tests",
        "@//labs/{id}:public_tests",
        ":{id}",
        "@//grader/harness:suite_main",
    ],
)
"""

def _submission_impl(ctx):
    staged = ctx.os.environ.get("LABKIT_SUBMISSION", "")
    catalog = json.decode(ctx.read(ctx.path(Label("//labs:labs.json"))))
    build = ['package(default_visibility = ["//visibility:public"])\n']
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
            build.append(_SUITE.format(id = lab["id"], srcs = srcs))
    ctx.file("BUILD", "\n".join(build))

submission_repository = repository_rule(
    implementation = _submission_impl,
    environ = ["LABKIT_SUBMISSION"],
)
