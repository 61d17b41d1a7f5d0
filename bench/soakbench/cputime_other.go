//go:build !unix

package main

import "time"

// cpuTime is unknown here (no getrusage): 0, as when getrusage fails.
func cpuTime() time.Duration { return 0 }
