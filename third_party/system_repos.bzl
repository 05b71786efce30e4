"""Repository rules that take third-party code from Debian packages."""

_GTEST_LOCAL = "/usr/src/googletest"

# Fallback for machines without Debian's `googletest` package: the same
# release, pinned by checksum.
_GTEST_URL = "https://github.com/google/googletest/archive/refs/tags/release-1.12.1.tar.gz"
_GTEST_SHA256 = "81964fe578e9bd7c94dfdb09c8e4d6e6759e19967e397dbea48d1c10e45d0df2"
_GTEST_PREFIX = "googletest-release-1.12.1"

def _googletest_impl(ctx):
    local = ctx.path(_GTEST_LOCAL + "/googletest/src/gtest-all.cc")
    if local.exists:
        for part in ["googletest", "googlemock"]:
            ctx.symlink(_GTEST_LOCAL + "/" + part, part)
    else:
        ctx.download_and_extract(
            url = _GTEST_URL,
            sha256 = _GTEST_SHA256,
            stripPrefix = _GTEST_PREFIX,
        )
    ctx.symlink(ctx.attr._build_file, "BUILD")

googletest_repository = repository_rule(
    implementation = _googletest_impl,
    attrs = {"_build_file": attr.label(default = "//third_party:googletest.BUILD")},
    local = True,
)

def _system_headers_impl(ctx):
    src = "/usr/include/" + ctx.attr.subdir
    if not ctx.path(src).exists:
        fail("%s is missing: install Debian's %s (./labkit installs it when run as root)" %
             (src, ctx.attr.package))
    ctx.symlink(src, "include/" + ctx.attr.subdir)
    ctx.file("BUILD", """
cc_library(
    name = "{name}",
    hdrs = glob(["include/**"]),
    includes = ["include"],
    visibility = ["//visibility:public"],
)
""".format(name = ctx.name))

system_headers_repository = repository_rule(
    implementation = _system_headers_impl,
    attrs = {"package": attr.string(), "subdir": attr.string()},
    local = True,
)

def _system_library_impl(ctx):
    header = "/usr/include/" + ctx.attr.header
    if not ctx.path(header).exists:
        fail("%s is missing: install Debian's %s (./labkit installs it when run as root)" %
             (header, ctx.attr.package))
    ctx.symlink(header, "include/" + ctx.attr.header)
    for extra in ctx.attr.extra_headers:
        ctx.symlink("/usr/include/" + extra, "include/" + extra)
    ctx.file("BUILD", """
cc_library(
    name = "{name}",
    hdrs = glob(["include/**"]),
    includes = ["include"],
    linkopts = ["-l{lib}"],
    visibility = ["//visibility:public"],
)
""".format(name = ctx.name, lib = ctx.attr.lib))

# A C library from a Debian -dev package: its headers plus -l<lib>.
system_library_repository = repository_rule(
    implementation = _system_library_impl,
    attrs = {
        "package": attr.string(),
        "header": attr.string(),
        "extra_headers": attr.string_list(),
        "lib": attr.string(),
    },
    local = True,
)
