//go:build !unix

package bench_test

import "time"

// processCPU is not measured here: the reports show wall time only.
func processCPU() time.Duration { return 0 }
