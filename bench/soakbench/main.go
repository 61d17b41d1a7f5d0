// Command soakbench soaks the session service the TUI drives: saved
// profiles on auto-refresh against the fake server for a simulated day
// (an injected clock; short-lived tokens), with a fault phase (500s, a 429
// with Retry-After, recovery) in the middle. It samples RSS, live heap,
// goroutines, open files, CPU per refresh and the cost of redacting one
// exchange, prints the ratio of the last quarter to the first for each,
// and exits 1 when one grew (or the fault phase went wrong).
//
//	go run ./bench/soakbench                 # 20 profiles, 8 simulated hours
//	go run ./bench/soakbench -quick          # the 10-second smoke
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	cfg := Config{RecorderMax: 0, Fault: true}
	flag.IntVar(&cfg.Profiles, "profiles", 20, "saved profiles on auto-refresh")
	flag.DurationVar(&cfg.Simulated, "simulated", 8*time.Hour, "simulated length of the day")
	flag.DurationVar(&cfg.TokenTTL, "ttl", 10*time.Minute, "access token lifetime at the fake server (20 profiles: about 1,100 refreshes in 8 hours)")
	flag.IntVar(&cfg.Samples, "samples", 32, "samples over the measured part of the day")
	flag.BoolVar(&cfg.Fault, "fault", true, "run the fault phase")
	quick := flag.Bool("quick", false, "a smoke of about 10 seconds: 1 simulated hour, 2-minute tokens, a 100-exchange recorder")
	verbose := flag.Bool("v", false, "print each sample as it is taken")
	flag.Parse()
	if *quick {
		cfg.Simulated, cfg.TokenTTL, cfg.RecorderMax = time.Hour, 2*time.Minute, 100
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *verbose {
		cfg.Progress = func(s Sample) { printSample(os.Stdout, s) }
	}
	r, err := Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soakbench:", err)
		os.Exit(2)
	}
	if !*verbose {
		printSamples(os.Stdout, r.Samples)
	}
	if problems := Print(os.Stdout, r); len(problems) > 0 {
		fmt.Printf("FAIL: %s\n", strings.Join(problems, "; "))
		os.Exit(1)
	}
	fmt.Println("ok: nothing grew")
}

func printSamples(w io.Writer, ss []Sample) {
	fmt.Fprintln(w, "     at  refreshes   RSS MiB  heap MiB  goroutines  open files  CPU/refresh  redaction  secrets")
	for _, s := range ss {
		printSample(w, s)
	}
}

func printSample(w io.Writer, s Sample) {
	fmt.Fprintf(w, "%7s  %9d  %8.1f  %8.1f  %10d  %10d  %11s  %9s  %7d\n", fmtSim(s.At), s.Refreshes,
		float64(s.RSS)/(1<<20), float64(s.HeapLive)/(1<<20), s.Goroutines, s.OpenFiles,
		s.CPUPerRef.Round(time.Microsecond), s.Redaction.Round(time.Microsecond), s.Secrets)
}

func fmtSim(d time.Duration) string {
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Print writes the summary and returns what went wrong.
func Print(w io.Writer, r *Report) []string {
	c := r.Config
	fmt.Fprintf(w, "\n%d profiles on auto-refresh, %s simulated in %s, %s tokens: %d refreshes, %d failed outside the faults\n",
		c.Profiles, fmtSim(c.Simulated), r.Wall.Round(100*time.Millisecond), c.TokenTTL, r.Refreshes, r.Failures)
	why := "the recorder full, the first dead tokens past the redactor's grace"
	if !r.RecorderFull {
		why = "a quarter of the day; the recorder or the redactor's grace still filling"
	}
	fmt.Fprintf(w, "sampled from %s (%s) on; last quarter vs first quarter (medians):\n", fmtSim(r.SampleFrom), why)
	var problems []string
	for _, m := range r.Metrics {
		verdict := "flat"
		if m.Grew {
			verdict = "GREW"
			problems = append(problems, m.Name+" grew")
		}
		fmt.Fprintf(w, "  %-24s %9.3f -> %9.3f %-3s  ratio %5.2f  %s\n", m.Name, m.First, m.Last, m.Unit, m.Ratio(), verdict)
	}
	if r.Expired > 0 {
		problems = append(problems, fmt.Sprintf("a held token was expired on %d ticks outside the fault phase", r.Expired))
	}
	if r.Failures > 0 {
		problems = append(problems, fmt.Sprintf("%d auto-refreshes failed outside the fault phase (%s)", r.Failures, strings.Join(r.FailedWith, "; ")))
	}
	if len(problems) == 0 || r.Expired == 0 {
		fmt.Fprintln(w, "  every held token stayed valid outside the fault phase")
	}
	if !c.Fault {
		return problems
	}
	fmt.Fprintf(w, "fault phase at %s:\n", fmtSim(c.Simulated*9/20))
	for _, p := range r.Phases {
		waits := "one try each"
		if p.MaxGap > 0 {
			waits = fmt.Sprintf("waits between tries %s..%s", p.MinGap, p.MaxGap)
		}
		fmt.Fprintf(w, "  %-30s for %-6s %4d requests, %4d auto-refreshes by %2d profiles, %s (a try each 1 s tick would be %d)\n",
			p.Name, p.Length, p.Requests, p.Attempts, p.Profiles, waits, p.Profiles*int(p.Length/tick))
	}
	if r.RetryHonoured {
		fmt.Fprintf(w, "  Retry-After %s honoured: no profile tried again sooner\n", r.RetryAfter)
	} else {
		problems = append(problems, "a profile tried again before Retry-After")
	}
	if r.Recovered < 0 {
		problems = append(problems, "the profiles did not recover after the faults")
	} else {
		fmt.Fprintf(w, "  recovery: every profile held a fresh token %s after the faults ended\n", r.Recovered)
	}
	return problems
}
