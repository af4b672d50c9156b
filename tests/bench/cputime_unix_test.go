//go:build unix

package bench_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system, all threads: the GC's
// included) this process has used. Unlike wall time, other processes on a
// busy machine barely change it.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
