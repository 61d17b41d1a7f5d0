package record

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// testJWT is an unsigned JWT that expires at exp, told apart by id.
func testJWT(exp time.Time, id string) string {
	payload := fmt.Sprintf(`{"exp":%d,"jti":%q}`, exp.Unix(), id)
	return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
}

// treeDump lists every key of the tree with its count and label, sorted,
// and checks the tree is compact: no node but the root without a key of
// its own and fewer than two children, each child indexed by its edge's
// first byte, the root's in top.
func treeDump(t *testing.T, r *Redactor) []string {
	t.Helper()
	var out []string
	var walk func(n *node, key string, root bool)
	walk = func(n *node, key string, root bool) {
		if !root && n.refs == 0 && len(n.kids) < 2 {
			t.Fatalf("node %q: no key and %d children: not compact", key, len(n.kids))
		}
		if len(n.kids) != len(n.first) {
			t.Fatalf("node %q: %d children, %d first bytes", key, len(n.kids), len(n.first))
		}
		if n.refs > 0 {
			out = append(out, fmt.Sprintf("%q %d %s", key, n.refs, n.shown))
		}
		for i, k := range n.kids {
			if k.edge == "" || k.edge[0] != n.first[i] {
				t.Fatalf("node %q: child %d's edge %q is indexed by %q", key, i, k.edge, n.first[i])
			}
			walk(k, key+k.edge, false)
		}
	}
	walk(&r.root, "", true)
	for c := range 256 {
		if r.top[c] != r.root.child(byte(c)) {
			t.Fatalf("top[%q] is not the root's child", byte(c))
		}
	}
	slices.Sort(out)
	return out
}

type lifeSecret struct {
	value string
	kind  int // 0 Add, 1 AddToken (opaque), 2 AddToken (JWT), 3 AddBasic
	spent time.Time
	exp   time.Time
}

func (s lifeSecret) addTo(r *Redactor) {
	switch s.kind {
	case 0:
		r.Add(s.value)
	case 1, 2:
		r.AddToken(s.value)
	case 3:
		r.AddBasic("client-"+s.value[:2], s.value)
	}
}

// live: whether s still needs hiding at now (Forget's rule, without
// recorders).
func (s lifeSecret) live(now time.Time, grace time.Duration) bool {
	dead := s.exp
	if !s.spent.IsZero() && (dead.IsZero() || s.spent.Before(dead)) {
		dead = s.spent
	}
	return s.kind == 0 || s.kind == 3 || dead.IsZero() || now.Sub(dead) <= grace
}

// TestRedactorForgetLeavesTreeAsIfOnlyLiveAdded: adding secrets of every
// kind and forgetting the dead ones, round after round, leaves the radix
// tree exactly as a redactor told only the live ones builds it; the live
// ones are redacted in every encoding, the forgotten ones leave no trace.
func TestRedactorForgetLeavesTreeAsIfOnlyLiveAdded(t *testing.T) {
	rnd := rand.New(rand.NewPCG(19, 14))
	const grace = time.Minute
	forgotten := 0
	defer func() {
		if forgotten < 50 {
			t.Errorf("only %d secrets were forgotten: the test proves little", forgotten)
		}
	}()
	for run := range 8 {
		now := time.Unix(1_800_000_000, 0)
		rd := &Redactor{Grace: grace}
		var all []lifeSecret
		for round := range 4 {
			for range 25 {
				s := lifeSecret{kind: rnd.IntN(4)}
				switch {
				case s.kind == 2:
					s.exp = now.Add(time.Duration(rnd.IntN(20)-10) * time.Minute)
					s.value = testJWT(s.exp, randomSecret(rnd))
				case len(all) > 0 && rnd.IntN(3) == 0:
					// Sharing a start with another secret: the tree splits
					// an edge, and merges it back when one goes.
					other := []rune(all[rnd.IntN(len(all))].value)
					s.value = string(other[:min(len(other), 2+rnd.IntN(8))]) + randomSecret(rnd)
				default:
					s.value = randomSecret(rnd)
				}
				s.addTo(rd)
				if rnd.IntN(4) == 0 {
					s.addTo(rd) // told twice
				}
				all = append(all, s)
			}
			// Some opaque refresh tokens are rotated away; so is a secret
			// that is not a token, which must make no difference.
			for i := range all {
				if (all[i].kind == 1 || all[i].kind == 0) && all[i].spent.IsZero() && rnd.IntN(3) == 0 {
					all[i].spent = now.Add(-time.Duration(rnd.IntN(3)) * time.Minute)
					rd.Spent(all[i].value, all[i].spent)
					if all[i].kind == 0 {
						all[i].spent = time.Time{}
					}
				}
			}
			now = now.Add(time.Duration(rnd.IntN(4)) * time.Minute)
			rd.Forget(now)

			want := &Redactor{}
			var live, gone []lifeSecret
			for _, s := range all {
				if s.live(now, grace) {
					live = append(live, s)
					s.addTo(want)
				} else {
					gone = append(gone, s)
				}
			}
			forgotten += len(gone)
			// A forgotten secret is forgotten for good: keep only what is
			// left in all.
			all = live
			got, exp := treeDump(t, rd), treeDump(t, want)
			if !slices.Equal(got, exp) {
				t.Fatalf("run %d round %d: the tree holds %d keys, a redactor told only the %d live secrets %d:\n%s",
					run, round, len(got), len(live), len(exp), diffLines(got, exp))
			}
			if rd.maxKey != want.maxKey {
				t.Fatalf("run %d round %d: maxKey %d, want %d", run, round, rd.maxKey, want.maxKey)
			}
			if rd.Known() != want.Known() {
				t.Fatalf("run %d round %d: %d secrets known, want %d", run, round, rd.Known(), want.Known())
			}
			for _, s := range live[max(0, len(live)-6):] {
				for _, enc := range encoders {
					checkRedacted(t, rd, s.value, enc, rnd)
				}
			}
			for _, s := range gone {
				for _, v := range Variants(s.value) {
					// A gone secret may share its start with a live one
					// ("ocße~;X…" and "ocße~;Xx"): the live one's keys still
					// match there, as they do for a redactor told only the
					// live secrets.
					if got := rd.Redact(" " + v + " "); got != want.Redact(" "+v+" ") {
						t.Fatalf("run %d round %d: forgotten %q still redacted in %q: %q", run, round, s.value, v, got)
					}
				}
			}
		}
	}
}

func diffLines(got, want []string) string {
	var b strings.Builder
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "  + %s\n", g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "  - %s\n", w)
		}
	}
	return b.String()
}

// TestRedactorForgetsNothingButDeadTokens: a client secret, a password,
// Basic credentials and a refresh token still held stay known however old
// the session; a token added as a secret too is never forgotten.
func TestRedactorForgetsNothingButDeadTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	rd := &Redactor{}
	rd.Add("a-client-secret")
	rd.AddBasic("demo-client", "basic-secret-1")
	rd.AddToken("rt_still-held-refresh-token")
	both := testJWT(now.Add(-time.Hour), "both")
	rd.AddToken(both)
	rd.Add(both)
	dead := testJWT(now.Add(-time.Hour), "dead")
	rd.AddToken(dead)
	rd.Spent("a-client-secret", now.Add(-time.Hour))
	if n := rd.Forget(now.Add(24 * time.Hour)); n != 1 {
		t.Fatalf("forgot %d secrets, want only the dead token", n)
	}
	for _, s := range []string{"a-client-secret", "basic-secret-1", "demo-client:basic-secret-1", "rt_still-held-refresh-token", both} {
		if got := rd.Redact("x " + s + " y"); strings.Contains(got, s) {
			t.Errorf("%q is no longer redacted: %q", s, got)
		}
	}
	if got := rd.Redact(dead); got != dead {
		t.Errorf("the dead token is still known: %q", got)
	}
	// Within the grace a dead token stays.
	rd.AddToken(dead)
	if n := rd.Forget(now.Add(-time.Hour + DefaultGrace)); n != 0 {
		t.Errorf("forgot %d secrets within the grace", n)
	}
}
