"""The submission being graded, as a Bazel repository (@submission).

The grader stages a submission's lab files into a fresh folder and names it
in LABKIT_SUBMISSION; this rule copies those files in and writes BUILD files
the grader owns: per lab whose files are all there, a library of the
student's code and its graded suite (the kit's public and hidden tests, never
the reference). A new folder name re-runs the rule, so one warm Bazel server
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
            source = ctx.path("%s/%s/%s" % (staged, lab["id"], name))
            if source.exists:
                ctx.file("%s/%s" % (lab["id"], name), ctx.read(source), executable = False)
                srcs.append("%s/%s" % (lab["id"], name))
        if len(srcs) == len(lab["files"]):
            build.append(_SUITE.format(id = lab["id"], srcs = srcs))
    ctx.file("BUILD", "\n".join(build))

submission_repository = repository_rule(
    implementation = _submission_impl,
    environ = ["LABKIT_SUBMISSION"],
)
