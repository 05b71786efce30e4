// The socket calls the code under test makes are recorded into its
// transcript (call_recorder.cc wraps them at link time). Script::Call turns
// recording on for the calling thread around the code under test only.
#pragma once

#include <string>
#include <vector>

namespace labkit::harness {

// From now on, this thread's socket calls are written to `report_fd` as
// 'S' records, up to a cap per step; with -1, only kept for CallsOfLastStep.
void StartRecording(int report_fd);
void StopRecording();

// The socket calls the code under test made during the latest s.Call (or
// ExpectOk / ExpectError) on this thread, as the transcript shows them
// ("send(fd 3, 5 bytes, MSG_DONTROUTE|MSG_NOSIGNAL) = 5 ..."): for tests
// about how a call was made, such as the flags it passed, when the kernel's
// behaviour alone cannot tell. Capped like the transcript.
std::vector<std::string> CallsOfLastStep();

// A case split in two processes records in the student process; the test
// process sets what that one recorded (remote_client.cc).
void SetCallsOfLastStep(std::vector<std::string> calls);

}  // namespace labkit::harness
