package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
	"github.com/tokenbench/tokenbench/session"
)

// Config is one soak run.
type Config struct {
	Profiles  int           // saved profiles on auto-refresh
	Simulated time.Duration // the length of the simulated day
	TokenTTL  time.Duration // access token lifetime at the fake
	Samples   int           // samples over the measured part of the run
	// RecorderMax bounds the exchanges the session's recorder keeps (the
	// TUI's default when 0); sampling starts once it is full and the
	// first dead tokens are past the redactor's grace, so that a buffer
	// filling up is not taken for growth.
	RecorderMax int
	// Fault runs the fault phase (500s, then 429 with Retry-After, then
	// recovery) in the middle of the day, between the quarters compared.
	Fault bool
	// Progress, when set, is told of each sample.
	Progress func(Sample)
}

// tick is the TUI's: each second it asks the session what is due.
const tick = time.Second

// Sample is the process measured at one moment of simulated time.
type Sample struct {
	At         time.Duration // simulated time since the start
	Refreshes  int           // successful refreshes so far
	RSS        uint64        // resident set, bytes
	HeapLive   uint64        // live heap after the last GC, bytes
	Goroutines int
	OpenFiles  int           // entries of /proc/self/fd
	CPUPerRef  time.Duration // CPU (user+system) per refresh since the last sample
	Redaction  time.Duration // redacting one exchange right after a new token
	Secrets    int           // secrets the redactor knows
	Requests   int           // requests the fake has served so far
}

// Metric is one measure's growth between the first and last quarter of the
// samples.
type Metric struct {
	Name        string
	First, Last float64 // medians of the first and last quarter
	Unit        string
	Grew        bool
	// Timing marks measures of time: noisy on a shared machine, never
	// asserted by a test.
	Timing bool
}

// Ratio is Last/First.
func (m Metric) Ratio() float64 {
	if m.First == 0 {
		return 0
	}
	return m.Last / m.First
}

// Phase is what one part of the fault phase cost the server.
type Phase struct {
	Name     string
	Length   time.Duration
	Requests int // requests the server received
	Attempts int // auto-refreshes the session ran
	// Gaps are the waits between one profile's consecutive attempts.
	MinGap, MaxGap time.Duration
	Profiles       int // profiles that tried
}

// Report is a whole run.
type Report struct {
	Config        Config
	Wall          time.Duration
	Refreshes     int
	Failures      int      // failed auto-refreshes outside the fault phase
	FailedWith    []string // their errors, each once
	Expired       int      // ticks outside the fault phase where a held token had expired
	Samples       []Sample
	Metrics       []Metric
	Phases        []Phase
	RetryAfter    time.Duration
	RetryHonoured bool          // no attempt came sooner than Retry-After after a 429
	Recovered     time.Duration // from the end of the faults until every profile held a fresh token; -1 never
	SampleFrom    time.Duration // simulated time sampling started
	RecorderFull  bool          // the recorder was full and the redactor's grace past then (else a quarter of the day had passed)
}

// Grew lists the measures that grew.
func (r *Report) Grew() []string {
	var out []string
	for _, m := range r.Metrics {
		if m.Grew {
			out = append(out, m.Name)
		}
	}
	return out
}

// clock is the simulated time every part of the run reads: the fake
// server, the clients, the runners and the session.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Run soaks the session service the TUI drives: cfg.Profiles saved
// profiles on auto-refresh against the fake server, each refresh in a
// goroutine of its own as the TUI's tea.Cmds run, for cfg.Simulated of
// simulated time.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Profiles <= 0 || cfg.Simulated <= 0 || cfg.TokenTTL <= 0 || cfg.Samples < 4 {
		return nil, errors.New("profiles, simulated time and token lifetime must be positive, samples at least 4")
	}
	start := time.Now()
	clk := &clock{now: start.Truncate(time.Second)}
	t0 := clk.Now()

	fakeCfg := dinterotest.DemoConfig(cfg.TokenTTL)
	fakeCfg.Now = clk.Now
	fakeCfg.RotateRefreshTokens = true
	srv, err := dinterotest.NewServer(fakeCfg)
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	dir, err := os.MkdirTemp("", "tokenbench-soak")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	// The TUI's wiring (common.NewContext): one recorder and one redactor for
	// the whole session, a new client and runner for each refresh; here on
	// the simulated clock.
	rd := &record.Redactor{}
	rec := &record.Recorder{Redactor: rd, Max: cfg.RecorderMax, Now: clk.Now}
	recMax := cfg.RecorderMax
	if recMax <= 0 {
		recMax = 500
	}
	newRunner := func(baseURL string) (*flows.Runner, error) {
		c, err := client.New(client.Options{BaseURL: baseURL, UserAgent: "tokenbench/tui", Recorder: rec, Redactor: rd, Now: clk.Now})
		if err != nil {
			return nil, err
		}
		rn := flows.NewRunner(c)
		rn.Now = clk.Now
		return rn, nil
	}
	store := &profiles.Store{Dir: filepath.Join(dir, "config")}
	secrets := &profiles.Secrets{Store: store, Keyring: keyringtest.New(), Getenv: func(string) string { return "" }}
	svc := session.New(store, secrets, newRunner)
	svc.Now = clk.Now

	names, err := createProfiles(ctx, svc, secrets, srv.URL, cfg.Profiles, cfg.TokenTTL, newRunner)
	if err != nil {
		return nil, err
	}

	r := &Report{Config: cfg, SampleFrom: -1, Recovered: -1}
	end := t0.Add(cfg.Simulated)
	// Whole seconds, as the ticks are.
	faultAt := t0.Add((cfg.Simulated * 9 / 20).Truncate(tick))
	len500, len429 := (cfg.Simulated / 16).Truncate(tick), (cfg.Simulated / 24).Truncate(tick)
	r.RetryAfter = (len429 / 2).Truncate(time.Second)
	faultEnd := faultAt.Add(len500 + len429)

	var (
		phase      *Phase
		lastTry    = map[string]time.Time{}
		limitedAt  = map[string]time.Time{} // the last 429 each profile got
		phaseReq0  int
		interval   time.Duration
		nextSample time.Time
		lastCPU    = cpuTime()
		lastRefs   int
	)
	r.RetryHonoured = true
	startPhase := func(name string, length time.Duration, f *dinterotest.Fault) {
		if phase != nil {
			phase.Requests = srv.Requests() - phaseReq0
			r.Phases = append(r.Phases, *phase)
		}
		phase = nil
		srv.SetFault(f)
		if name == "" {
			return
		}
		phase = &Phase{Name: name, Length: length}
		phaseReq0 = srv.Requests()
		clear(lastTry)
	}
	inFault := func(now time.Time) bool { return cfg.Fault && !now.Before(faultAt) && now.Before(faultEnd) }

	for now := t0; !now.After(end); now = now.Add(tick) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		clk.set(now)
		if cfg.Fault {
			switch {
			case now.Equal(faultAt):
				startPhase("500 Internal Server Error", len500, &dinterotest.Fault{Status: 500})
			case now.Equal(faultAt.Add(len500)):
				startPhase("429 with Retry-After: "+strconv.Itoa(int(r.RetryAfter.Seconds())), len429,
					&dinterotest.Fault{Status: 429, RetryAfter: int(r.RetryAfter.Seconds())})
			case now.Equal(faultEnd):
				startPhase("", 0, nil)
			}
		}

		due := svc.Due()
		type result struct {
			name string
			ok   bool
			err  error
		}
		results := make([]result, len(due))
		var wg sync.WaitGroup
		for i, name := range due {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := svc.AutoRefresh(ctx, name)
				results[i] = result{name: name, ok: err == nil && out.Result != nil, err: err}
			}()
		}
		wg.Wait()
		for _, res := range results {
			if errors.Is(res.err, session.ErrNotDue) {
				continue
			}
			if phase != nil {
				phase.Attempts++
				if prev, ok := lastTry[res.name]; ok {
					gap := now.Sub(prev)
					if phase.MinGap == 0 || gap < phase.MinGap {
						phase.MinGap = gap
					}
					phase.MaxGap = max(phase.MaxGap, gap)
				} else {
					phase.Profiles++
				}
				lastTry[res.name] = now
			}
			if at, ok := limitedAt[res.name]; ok && now.Sub(at) < r.RetryAfter {
				r.RetryHonoured = false
			}
			delete(limitedAt, res.name)
			if session.RetryAfter(res.err) > 0 {
				limitedAt[res.name] = now
			}
			switch {
			case res.ok:
				r.Refreshes++
			case !inFault(now):
				r.Failures++
				if msg := fmt.Sprintf("%s at %s: %v", res.name, now.Sub(t0), res.err); len(r.FailedWith) < 5 {
					r.FailedWith = append(r.FailedWith, msg)
				}
			}
		}
		if !inFault(now) {
			if cfg.Fault && now.After(faultEnd) && r.Recovered < 0 && allFresh(svc, names, now) {
				r.Recovered = now.Sub(faultEnd)
			}
			if (!cfg.Fault || now.Before(faultAt) || r.Recovered >= 0) && anyExpired(svc, names, now) {
				r.Expired++
			}
		}

		// Sampling starts once the recorder holds all it keeps and the
		// first tokens have been dead for the redactor's grace (both are
		// buffers that fill up, then stay), or at a quarter of the day at
		// the latest.
		if r.SampleFrom < 0 && (buffersFull(rec, recMax, now.Sub(t0), cfg.TokenTTL) || now.Sub(t0) >= cfg.Simulated/4) {
			r.SampleFrom = now.Sub(t0)
			r.RecorderFull = buffersFull(rec, recMax, now.Sub(t0), cfg.TokenTTL)
			interval = (end.Sub(now) / time.Duration(cfg.Samples)).Truncate(time.Second)
			nextSample = now.Add(interval)
			lastCPU, lastRefs = cpuTime(), r.Refreshes
		}
		if r.SampleFrom >= 0 && !now.Before(nextSample) && len(r.Samples) < cfg.Samples {
			s, err := sample(srv, rd, now.Sub(t0))
			if err != nil {
				return nil, err
			}
			cpu := cpuTime()
			if n := r.Refreshes - lastRefs; n > 0 {
				s.CPUPerRef = (cpu - lastCPU) / time.Duration(n)
			}
			lastCPU, lastRefs = cpu, r.Refreshes
			s.Refreshes = r.Refreshes
			r.Samples = append(r.Samples, s)
			if cfg.Progress != nil {
				cfg.Progress(s)
			}
			nextSample = nextSample.Add(interval)
		}
	}
	r.Wall = time.Since(start)
	r.Metrics = verdicts(r.Samples)
	return r, nil
}

// createProfiles saves n profiles on auto-refresh with their secrets in
// the secrets file, and gets each its first token: three in four are
// client_credentials, the others the password grant with a refresh token
// the server rotates on every use (stored each time).
func createProfiles(ctx context.Context, svc *session.Service, secrets *profiles.Secrets, base string, n int, ttl time.Duration,
	newRunner func(string) (*flows.Runner, error)) ([]string, error) {
	var names []string
	for i := range n {
		p := profiles.Profile{Name: fmt.Sprintf("merchant-%02d", i+1), BaseURL: base, Account: dinterotest.DemoAccount,
			Grant: string(client.GrantClientCredentials), ClientID: dinterotest.DemoClientID, AutoRefresh: true,
			Secrets: map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceFile}}
		values := session.Values{profiles.ClientSecret: dinterotest.DemoSecret}
		if i%4 == 3 {
			p.Grant, p.Username = string(client.GrantPassword), dinterotest.DemoUser
			p.Secrets[profiles.Password] = profiles.SourceFile
			p.Secrets[profiles.RefreshToken] = profiles.SourceFile
			values[profiles.Password] = dinterotest.DemoPassword
		}
		// Spread the schedules as a day of profiles opened one by one would.
		p.RefreshBefore = profiles.Duration(session.DefaultRefreshBefore + ttl/4*time.Duration(i)/time.Duration(n))
		if err := svc.Create(ctx, p, values); err != nil {
			return nil, fmt.Errorf("saving profile %s: %w", p.Name, err)
		}
		req := p.Request()
		if err := secrets.FillSecrets(ctx, p, &req, nil); err != nil {
			return nil, err
		}
		runner, err := newRunner(p.BaseURLOrDefault())
		if err != nil {
			return nil, err
		}
		if _, _, err := svc.Run(ctx, p, req, func(ctx context.Context, req flows.Request) (*flows.Result, error) {
			res, mfa, err := runner.Start(ctx, req)
			if mfa != nil {
				return nil, errors.New("unexpected MFA")
			}
			return res, err
		}); err != nil {
			return nil, fmt.Errorf("first token of %s: %w", p.Name, err)
		}
		names = append(names, p.Name)
	}
	return names, nil
}

// buffersFull: the recorder is full, and the redactor has had time to
// forget the first tokens (a token's life and the grace after it).
func buffersFull(rec *record.Recorder, recMax int, elapsed, ttl time.Duration) bool {
	return len(rec.Exchanges()) >= recMax && elapsed >= ttl+record.DefaultGrace
}

func anyExpired(svc *session.Service, names []string, now time.Time) bool {
	for _, name := range names {
		if res, ok := svc.Held(name); !ok || !res.Expiry.At.After(now) {
			return true
		}
	}
	return false
}

// allFresh: every profile holds a token and auto-refresh is not waiting
// on a failure.
func allFresh(svc *session.Service, names []string, now time.Time) bool {
	for _, name := range names {
		st := svc.State(name)
		if st.Held == nil || !st.Held.Expiry.At.After(now) || st.Failures > 0 {
			return false
		}
	}
	return true
}

// exchangeText is what the recorder redacts for one token answer: the
// request with its Basic header and the answer with the new token.
const exchangeText = `POST /v1/accounts/T11223344/auth/token HTTP/1.1
Host: 127.0.0.1
Authorization: Basic ZGVtby1jbGllbnQ6ZGVtby1jbGllbnQtc2VjcmV0
Content-Type: application/json
User-Agent: tokenbench/tui

{"grant_type":"client_credentials","audience":"https://api.dintero.com/v1/accounts/T11223344"}

HTTP/1.1 200 OK
Content-Type: application/json
Cache-Control: no-store

{"access_token":"%s","token_type":"Bearer","expires_in":300}
`

// sample measures the process. The redaction probe is what each refresh
// costs the redactor: a new token learnt, then one exchange redacted.
func sample(srv *dinterotest.Server, rd *record.Redactor, at time.Duration) (Sample, error) {
	s := Sample{At: at, Goroutines: runtime.NumGoroutine()}
	var err error
	if s.RSS, err = rss(); err != nil {
		return s, err
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return s, err
	}
	s.OpenFiles = len(fds)
	// A collection first, so that the live heap is what is live now, not
	// at whichever collection last ran.
	runtime.GC()
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() == metrics.KindUint64 {
		s.HeapLive = m[0].Value.Uint64()
	}
	var probes []time.Duration
	for range 3 {
		tok, err := srv.IssueToken(map[string]any{"sub": "soak-probe"})
		if err != nil {
			return s, err
		}
		text := fmt.Sprintf(exchangeText, tok)
		begin := time.Now()
		rd.AddToken(tok)
		out := rd.Redact(text)
		probes = append(probes, time.Since(begin))
		if strings.Contains(out, tok) {
			return s, errors.New("the redactor let a token it was told of through")
		}
	}
	slices.Sort(probes)
	s.Redaction = probes[1]
	s.Secrets = rd.Known()
	s.Requests = srv.Requests()
	return s, nil
}

func rss() (uint64, error) {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0, errors.New("/proc/self/statm: unexpected format")
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0, err
	}
	return pages * uint64(os.Getpagesize()), nil
}

// verdicts compares the medians of the first and the last quarter of the
// samples. A measure grew when the last exceeds the first by more than a
// ratio and an absolute slack: bounded buffers and GC timing move memory a
// little, the machine's other load moves timings more. Sampling starts
// once the recorder is full, so what still grows then grows without
// bound: the live heap's tolerance (10 %, at most 0.5 MiB more) catches a
// redactor keeping every token (4.6 KB each, 3.5 MiB over the day), and
// the secrets the redactor knows (the tokens the kept exchanges carry, a
// few in their grace) must not grow at all beyond a sweep's worth.
func verdicts(samples []Sample) []Metric {
	q := len(samples) / 4
	if q == 0 {
		return nil
	}
	first, last := samples[:q], samples[len(samples)-q:]
	med := func(ss []Sample, f func(Sample) float64) float64 {
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	const mib = 1 << 20
	specs := []struct {
		name, unit   string
		f            func(Sample) float64
		ratio, slack float64
		timing       bool
	}{
		{"RSS", "MiB", func(s Sample) float64 { return float64(s.RSS) / mib }, 1.15, 3, false},
		{"live heap", "MiB", func(s Sample) float64 { return float64(s.HeapLive) / mib }, 1.10, 0.5, false},
		{"secrets known", "", func(s Sample) float64 { return float64(s.Secrets) }, 1.10, 64, false},
		{"goroutines", "", func(s Sample) float64 { return float64(s.Goroutines) }, 1.25, 4, false},
		{"open files", "", func(s Sample) float64 { return float64(s.OpenFiles) }, 1.25, 4, false},
		{"CPU per refresh", "ms", func(s Sample) float64 { return float64(s.CPUPerRef) / 1e6 }, 1.5, 0.5, true},
		{"redaction per exchange", "ms", func(s Sample) float64 { return float64(s.Redaction) / 1e6 }, 2, 0.2, true},
	}
	var out []Metric
	for _, sp := range specs {
		m := Metric{Name: sp.name, Unit: sp.unit, First: med(first, sp.f), Last: med(last, sp.f), Timing: sp.timing}
		m.Grew = m.Last > m.First*sp.ratio+sp.slack
		out = append(out, m)
	}
	return out
}
