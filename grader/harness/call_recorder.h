// The socket calls the code under test makes are recorded into its
// transcript (call_recorder.cc wraps them at link time). Script::Call turns
// recording on for the calling thread around the code under test only.
#pragma once

namespace labkit::harness {

// From now on, this thread's socket calls are written to `report_fd` as
// 'S' records, up to a cap per step.
void StartRecording(int report_fd);
void StopRecording();

}  // namespace labkit::harness
