"""Build rules that tie a lab's pieces together.

lab_files() lives in labs/NN_step/BUILD: the contract, the skeleton, and the
public tests a student runs with `./labkit check NN`.

graded_lab_suite() lives in grader/hidden/NN_step/BUILD: the graded suite
(public + hidden cases) built against the reference, the untouched skeleton,
and each mutant, with the self-tests that check each earns what it should.
"""

_GTEST_MAIN = "@com_google_googletest//:gtest_main"
_HARNESS = "//grader/harness"

def lab_files(header, source, support = []):
    """Declares :contract, :skeleton, :test_support, :public_tests, :public_test."""
    native.cc_library(
        name = "contract",
        hdrs = [header],
        deps = ["//labs/common:sys_result", "//labs/common:unique_fd"],
        visibility = ["//visibility:public"],
    )
    native.cc_library(
        name = "skeleton",
        srcs = [source],
        deps = [":contract"],
        visibility = ["//visibility:public"],
    )
    native.cc_library(
        name = "test_support",
        testonly = True,
        hdrs = support,
        deps = [":contract", _HARNESS, "//grader/harness:test_sockets"],
        visibility = ["//visibility:public"],
    )
    native.cc_library(
        name = "public_tests",
        testonly = True,
        srcs = ["public_test.cc"],
        deps = [":test_support", _HARNESS, "@com_google_googletest//:gtest"],
        alwayslink = True,
        visibility = ["//visibility:public"],
    )

    # Read by the behaviour matrix self-test (graded_lab_suite).
    native.filegroup(
        name = "header_file",
        srcs = [header],
        visibility = ["//grader:__subpackages__"],
    )
    native.filegroup(
        name = "skeleton_source",
        srcs = [source],
        visibility = ["//grader:__subpackages__"],
    )
    native.filegroup(
        name = "hints",
        srcs = native.glob(["hints.json"]),
        visibility = ["//grader:__subpackages__"],
    )

    native.filegroup(
        name = "public_test_source",
        srcs = ["public_test.cc"],
        visibility = ["//grader:__subpackages__"],
    )

    # Fails until the student does the work, so `bazel test //...` skips it;
    # `./labkit check NN` runs it by name.
    native.cc_test(
        name = "public_test",
        size = "small",
        deps = [":public_tests", ":skeleton", _GTEST_MAIN],
        # Static, as the graded suites are: a test links its libraries as
        # shared objects by default, and the link-time wraps that record the
        # student's socket calls (the `|` lines) reach only the executable.
        linkstatic = True,
        tags = ["manual"],
        # The behaviour matrix self-test lists its cases.
        visibility = ["//grader:__subpackages__"],
    )

def _suite_binary(name, lab, impl):
    """The graded suite of `lab` linked against the implementation `impl`."""
    native.cc_binary(
        name = name,
        testonly = True,
        deps = [
            ":hidden_tests",
            "//labs/%s:public_tests" % lab,
            impl,
            "//grader/harness:suite_main",
        ],
    )

def _expect(name, suite, outcome, library = None):
    """A self-test: `suite` run (split, on `library`, if given) earns `outcome`."""
    args = ["--expect=" + outcome]
    data = [":" + suite]
    if library:
        args.append("--library=$(rootpath %s)" % library)
        data.append(library)
    native.cc_test(
        name = name,
        size = "small",
        args = args + ["$(rootpath :%s)" % suite],
        data = data,
        deps = ["//grader/selftest:expect_outcome"],
    )

def graded_lab_suite(lab, source, mutants = None, alternatives = None):
    """The graded suite of `lab` and the kit's checks on it.

    Args:
      lab: the lab folder name, e.g. "01_socket".
      source: the student's file, e.g. "socket_lab.cc".
      mutants: patch files, each applying one classic bug to the reference;
        by default every mutants/*.patch of the calling package.
      alternatives: patch files, each rewriting the reference another correct
        way; by default every alternatives/*.patch.
    """
    if mutants == None:
        mutants = native.glob(["mutants/*.patch"])
    if alternatives == None:
        alternatives = native.glob(["alternatives/*.patch"])
    native.cc_library(
        name = "hidden_tests",
        testonly = True,
        # hidden_test.cc, plus hidden_*.cc / hidden_*.h when a lab splits it.
        srcs = native.glob(["hidden_test.cc", "hidden_*.cc", "hidden_*.h"]),
        deps = ["//labs/%s:test_support" % lab, _HARNESS, "@com_google_googletest//:gtest"],
        alwayslink = True,
        # The bench's floor links it with a lab's code in @submission.
        visibility = ["//visibility:public"],
    )
    native.filegroup(
        name = "hidden_test_sources",
        srcs = native.glob(["hidden_test.cc", "hidden_*.cc"]),
        visibility = ["//grader:__subpackages__"],
    )
    native.cc_library(
        name = "reference",
        srcs = ["//solutions/%s:%s" % (lab, source)],
        deps = ["//labs/%s:contract" % lab],
    )

    # What the grader runs: a case is two processes (grader/harness/
    # remote_client.h). The test binary holds the tests and, in place of the
    # lab's functions, stubs that call the student process; a student library
    # holds the student's code and the table that serves it.
    fields = native.glob(["wire_fields.h"])
    native.cc_library(
        name = "stubs",
        testonly = True,
        srcs = ["stubs.cc"] + fields,
        deps = ["//labs/%s:contract" % lab, _HARNESS],
        alwayslink = True,
    )
    native.cc_binary(
        name = "graded_tests",
        testonly = True,
        deps = [
            ":hidden_tests",
            "//labs/%s:public_tests" % lab,
            ":stubs",
            "//grader/harness:suite_main",
        ],
        visibility = ["//grader:__subpackages__"],
    )
    native.cc_library(
        name = "call_server",
        srcs = ["server.cc"] + fields,
        deps = ["//labs/%s:contract" % lab, "//grader/harness:call_server"],
        alwayslink = True,
        # Every student library links it: the grader copies the link of
        # reference_student.so (grader/build/student_link.h).
        visibility = ["//visibility:public"],
    )
    student_library("reference_student.so", ":reference", ":call_server")
    student_library("skeleton_student.so", "//labs/%s:skeleton" % lab, ":call_server")

    # The same verdicts with every case split in two processes, as graded.
    _expect("reference_split_scores_full_test", "graded_tests", "full", ":reference_student.so")
    _expect("skeleton_split_scores_zero_test", "graded_tests", "zero", ":skeleton_student.so")

    # Every promise of the header has a case, and every case a promise
    # (grader/selftest/behaviour_matrix_test.cc).
    _behaviour_matrix_test(lab)
    _hints_test(lab, source)

    _suite_binary("reference_suite", lab, ":reference")
    _expect("reference_scores_full_test", "reference_suite", "full")

    _suite_binary("skeleton_suite", lab, "//labs/%s:skeleton" % lab)
    _expect("skeleton_scores_zero_test", "skeleton_suite", "zero")

    for patch in mutants:
        mutant = _patched_variant(lab, source, patch, "mutant_")
        _expect("%s_loses_points_test" % mutant, "%s_suite" % mutant, "loss")

    # Correct implementations written another way (getaddrinfo instead of
    # inet_pton, read/write instead of recv/send, ...): the tests must test
    # behaviour, so each of these scores full marks too.
    for patch in alternatives:
        alternative = _patched_variant(lab, source, patch, "alternative_")
        _expect("%s_scores_full_test" % alternative, "%s_suite" % alternative, "full")

def _behaviour_matrix_test(lab):
    files = {
        "header": "//labs/%s:header_file" % lab,
        "skeleton": "//labs/%s:skeleton_source" % lab,
        "matrix": "behaviours.json",
        "graded": ":graded_tests",
        "public": "//labs/%s:public_test" % lab,
        "catalog": "//labs:labs.json",
    }
    native.cc_test(
        name = "behaviour_matrix_test",
        size = "small",
        args = ["--%s=$(rootpath %s)" % (key, label) for key, label in files.items()] +
               ["--lab=" + lab],
        data = files.values(),
        deps = ["//grader/selftest:behaviour_matrix"],
    )

def _hints_test(lab, source):
    """`labkit hint`'s tiers for the lab: complete, and never solution code."""
    files = {
        "header": "//labs/%s:header_file" % lab,
        "hints": "//labs/%s:hints" % lab,
        "reference": "//solutions/%s:%s" % (lab, source),
    }
    native.cc_test(
        name = "hints_test",
        size = "small",
        args = ["--%s=$(rootpath %s)" % (key, label) for key, label in files.items()],
        # The handouts the hints send students to.
        data = list(files.values()) + ["//handouts"],
        deps = ["//grader/selftest:hints_check"],
    )

def student_library(name, code, call_server):
    """The student process's code: `code` served by the lab's `call_server`.

    Every symbol must resolve in the library itself (-z defs), so a missing
    function fails the build rather than the case; -Bsymbolic keeps its
    calls to its own functions inside it.
    """
    native.cc_binary(
        name = name,
        linkshared = True,
        linkopts = ["-Wl,-z,defs", "-Wl,-Bsymbolic"],
        deps = [call_server, code],  # a static link resolves left to right
        visibility = ["//grader:__subpackages__"],
    )

def _patched_variant(lab, source, patch, prefix):
    """The graded suite linked against the reference with `patch` applied."""
    name = prefix + patch.split("/")[-1].replace(".patch", "")
    native.genrule(
        name = "%s_source" % name,
        srcs = ["//solutions/%s:%s" % (lab, source), patch],
        outs = ["%s/%s" % (name, source)],
        # Copied first: patch refuses the sandbox's symlinks.
        cmd = "cp -L $(location //solutions/%s:%s) $@ && patch --quiet --no-backup-if-mismatch $@ $(location %s)" %
              (lab, source, patch),
    )
    native.cc_library(
        name = name,
        srcs = [":%s_source" % name],
        copts = ["-w"],  # a variant may leave a parameter unused
        deps = ["//labs/%s:contract" % lab],
    )
    _suite_binary("%s_suite" % name, lab, ":" + name)
    return name
