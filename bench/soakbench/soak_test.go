package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A tiny soak: nothing that is not a timing may grow from the first
// quarter to the last (memory, goroutines, open files), every held token
// stays valid, and the fault phase backs off, honours Retry-After and
// recovers. Timings are printed, never asserted: the machine is shared.
func TestTinySoakGrowsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak")
	}
	r, err := Run(context.Background(), Config{Profiles: 4, Simulated: 90 * time.Minute, TokenTTL: 2 * time.Minute,
		Samples: 12, RecorderMax: 10, Fault: true})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	printSamples(&out, r.Samples)
	problems := Print(&out, r)
	t.Log("\n" + out.String())
	for _, m := range r.Metrics {
		if m.Grew && !m.Timing {
			t.Errorf("%s grew: %.1f -> %.1f %s", m.Name, m.First, m.Last, m.Unit)
		}
	}
	for _, p := range problems {
		if !strings.HasSuffix(p, " grew") {
			t.Error(p)
		}
	}
	if len(r.Phases) != 2 {
		t.Fatalf("fault phases: %+v", r.Phases)
	}
	// Backing off, the 500s cost each profile a few tries (halving the
	// time a good token has left, then the backoff), not one a tick.
	if p := r.Phases[0]; p.Profiles == 0 || p.Attempts > 8*p.Profiles {
		t.Errorf("%s: %d tries by %d profiles in %s: no backoff", p.Name, p.Attempts, p.Profiles, p.Length)
	}
}
