"""Re-exports Bazel's native C++ rules under @rules_cc.

Debian's bazel-rules-cc is newer than Bazel 4.2.3 understands, so the kit
ships this shim; it only forwards to the built-in rules.
"""

cc_binary = native.cc_binary
cc_import = native.cc_import
cc_library = native.cc_library
cc_proto_library = native.cc_proto_library
cc_test = native.cc_test
cc_toolchain = native.cc_toolchain
cc_toolchain_suite = native.cc_toolchain_suite
objc_library = native.objc_library
