package record

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tokenbench/tokenbench/textsafe"
)

// minSecretLen is the shortest value worth redacting: anything shorter
// would blank out ordinary words and numbers and hides little.
const minSecretLen = 4

// minEncodedLen is the shortest piece of a base64 encoding that is
// redacted on its own (the middle of a secret inside a larger blob).
const minEncodedLen = 8

// Redactor knows every secret of a flow and removes each of them from text
// in every encoding a server, a proxy or a WAF gives it: raw; JSON string
// escapes (\uXXXX in either case, surrogate pairs, \/), \xXX and octal
// \NNN escapes; HTML entities
// (named, decimal, hex); percent-encoding in either case, with '+' or %20
// for a space; any mix of these, one or two layers deep; terminal
// sanitising; base64 in the standard and URL alphabets, whole or as the
// middle of a larger blob at any alignment; any blob of base64, hex or
// base32 (upper or lower case), decoded as one more layer, whether wrapped
// over lines or grouped by separators (hex "53 75", "53:75", "0x53, 0x75",
// "=53=75", a hex dump's "53757033 72533363"; base64 "U3Vw M3JT")
// (redact_blob.go); the secret in NFC,
// NFD, Latin-1 and UTF-16. The zero value is ready; it is safe for
// concurrent use.
//
// Text is not matched against a list of encoded variants: it is decoded
// (every escape above, unit by unit, keeping where each decoded byte came
// from) and the decoded text is searched for the secrets in a radix tree.
// Adding a secret costs the length of its few keys, whatever the number of
// secrets known, and redacting costs the length of the text times the
// depth a match runs, not the number of secrets.
//
// A redacted secret reads "[•••• (12 chars)]"; a token shows a short hash
// of itself ("[sha256:3f9a1c… (812 chars)]"), which tells tokens apart.
//
// It forgets what no longer needs hiding (see Forget), so that a long
// session's redactor is bounded by the secrets still alive, not by every
// token it ever saw.
type Redactor struct {
	// Grace is how long a token stays known after it stopped being usable
	// (its exp passed, or the server rotated it away); DefaultGrace when 0.
	Grace time.Duration

	mu   sync.RWMutex
	root node
	// top indexes the root's children by their first byte.
	top [256]*node
	// maxKey is the longest key, the most text a cut can leave of one.
	maxKey int

	// secrets are the secrets known, each once, with what decides when
	// it may be forgotten.
	secrets map[string]*secretLife
	// gen counts the exchanges begun by the recorders that use this
	// redactor; a secret remembers the last one it was added during.
	gen uint64
	// holders are those recorders: a secret is kept while any exchange
	// one of them holds (or is building) may have carried it.
	holders []*Recorder
	// keepers list secrets still held (a session's tokens): never
	// forgotten.
	keepers []func() []string
}

// secretLife is what the Redactor knows of one secret's life.
type secretLife struct {
	// token: added by AddToken only; anything else is kept for good.
	token bool
	// deadAt is when the token stopped being usable: its exp, or when
	// the server rotated it away; zero while it may still be usable.
	deadAt time.Time
	// seen is the redactor's gen when it was last added.
	seen uint64
}

// DefaultGrace is how long a dead token stays known (Redactor.Grace).
const DefaultGrace = 15 * time.Minute

// node is a radix tree node: the edge into it, its children by their
// edges' first byte, what stands in for the key that ends here, and how
// many secrets' keys end here (0: no key does).
type node struct {
	edge  string
	kids  []*node
	first []byte // kids[i].edge[0], for a fast look-up
	shown string
	refs  int
}

// fold maps the bytes that encodings swap to one: a space is '+' in form
// encoding, and base64url writes '-' and '_' for '+' and '/'. Keys and
// text are compared folded.
var fold = func() (f [256]byte) {
	for i := range f {
		f[i] = byte(i)
	}
	f[' '], f['-'], f['_'] = '+', '+', '/'
	return f
}()

func foldString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = fold[c]
	}
	return string(b)
}

// Add notes a secret a person chose or reads (password, client secret,
// binding code): it is shown by its length alone.
func (r *Redactor) Add(secret string) { r.add(secret, mask(secret)) }

// AddToken notes a token: it is shown by a short hash of itself. A token
// whose payload names an expiry (a JWT's exp) may be forgotten a while
// after it (see Forget).
func (r *Redactor) AddToken(token string) { r.addLife(token, Fingerprint(token), true) }

// AddBasic notes the credentials of a Basic Authorization: the secret,
// and client_id:secret in every encoding (the header value as sent).
func (r *Redactor) AddBasic(clientID, secret string) {
	if secret == "" {
		return
	}
	r.Add(secret)
	shown := mask(secret)
	if clientID != "" && strings.Trim(clientID, fingerprintChars) == "" {
		shown = clientID + ":" + shown
	}
	r.add(clientID+":"+secret, shown)
}

func (r *Redactor) add(secret, shown string) { r.addLife(secret, shown, false) }

func (r *Redactor) addLife(secret, shown string, token bool) {
	if r == nil || len(secret) < minSecretLen {
		return
	}
	r.mu.Lock()
	if l := r.secrets[secret]; l != nil {
		// Known: its keys are in the tree. A secret added as anything
		// but a token is kept for good.
		l.seen = r.gen
		l.token = l.token && token
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	shown = "[" + textsafe.Sanitize(shown) + "]"
	ks := keys(secret)
	var deadAt time.Time
	if token {
		deadAt = jwtExpiry(secret)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l := r.secrets[secret]; l != nil {
		l.seen = r.gen
		l.token = l.token && token
		return
	}
	if r.secrets == nil {
		r.secrets = map[string]*secretLife{}
	}
	r.secrets[secret] = &secretLife{token: token, deadAt: deadAt, seen: r.gen}
	for _, k := range ks {
		r.root.insert(k, shown)
		r.maxKey = max(r.maxKey, len(k))
	}
	for i, c := range r.root.first {
		r.top[c] = r.root.kids[i]
	}
}

// jwtExpiry is the exp of a JWT's payload, read without checking the
// signature (zero when token is not a JWT or names no expiry).
func jwtExpiry(token string) time.Time {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil || *claims.Exp <= 0 || *claims.Exp > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(*claims.Exp)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// Spent notes that the server rotated token away at the time given (a
// refresh token grant answered with a new refresh token): it is dead, and
// may be forgotten a while after (see Forget). A secret that was not
// added as a token is never forgotten.
func (r *Redactor) Spent(token string, at time.Time) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l := r.secrets[token]; l != nil && l.token && (l.deadAt.IsZero() || at.Before(l.deadAt)) {
		l.deadAt = at
	}
}

// Forget removes from the redactor what no longer needs hiding at now,
// and returns how many secrets it forgot. A secret no longer needs hiding
// when all of these hold:
//
//   - it was added only as a token (AddToken): client secrets, passwords,
//     codes and Basic credentials (Add, AddBasic) are never forgotten;
//   - it is not held: no function registered with Keep lists it;
//   - it is dead: its JWT exp passed, or the server rotated it away
//     (Spent). An opaque token (a refresh token still held) is never
//     dead until it is spent;
//   - it has been dead for longer than Grace, so that a screen, an error
//     or a retry still naming it is past;
//   - no exchange a recorder that uses this redactor still keeps, or is
//     still building, was recorded since it was last added. Exchanges are
//     stored redacted, but a HAR or a bundle is redacted once more when it
//     is written, and a server echoing an old token into a new exchange
//     is caught only while the token is known: a token is kept as long as
//     the history that carried it.
//
// A forgotten secret's keys are deleted from the radix tree, which is
// left as if it had never been added. Recorders call Forget now and then
// as they record; it costs the number of secrets known plus the length of
// the keys it deletes.
func (r *Redactor) Forget(now time.Time) int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	holders := slices.Clone(r.holders)
	grace := r.Grace
	// An exchange begun from here on has a later gen, and so has every
	// secret it adds: they are kept.
	oldest := r.gen + 1
	r.mu.RUnlock()
	if grace <= 0 {
		grace = DefaultGrace
	}
	// The oldest exchange still held or being built: taken before the
	// tree is locked.
	for _, h := range holders {
		oldest = min(oldest, h.oldestGen())
	}
	var gone []string
	r.mu.RLock()
	for s, l := range r.secrets {
		if l.token && !l.deadAt.IsZero() && now.Sub(l.deadAt) > grace && l.seen < oldest {
			gone = append(gone, s)
		}
	}
	r.mu.RUnlock()
	if len(gone) == 0 {
		return 0
	}
	// A token still held (a session's expired access token, shown on its
	// screen) stays, however dead: asked without the lock, as the keepers
	// take their own.
	r.mu.RLock()
	keepers := slices.Clone(r.keepers)
	r.mu.RUnlock()
	if len(keepers) > 0 {
		held := map[string]bool{}
		for _, k := range keepers {
			for _, s := range k() {
				held[s] = true
			}
		}
		gone = slices.DeleteFunc(gone, func(s string) bool { return held[s] })
	}
	// The keys are worked out without the lock, as add does.
	type doomed struct {
		secret string
		keys   []string
	}
	ds := make([]doomed, len(gone))
	for i, s := range gone {
		ds[i] = doomed{s, keys(s)}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, d := range ds {
		l := r.secrets[d.secret]
		// Added again, or as something else, while the lock was let go.
		if l == nil || !l.token || l.seen >= oldest {
			continue
		}
		delete(r.secrets, d.secret)
		for _, k := range d.keys {
			r.root.remove(k)
		}
		n++
	}
	r.top = [256]*node{}
	for i, c := range r.root.first {
		r.top[c] = r.root.kids[i]
	}
	r.maxKey = longestKey(&r.root, 0)
	return n
}

// longestKey is the longest key at or under n, whose key so far is depth
// long.
func longestKey(n *node, depth int) int {
	best := 0
	if n.refs > 0 {
		best = depth
	}
	for _, k := range n.kids {
		best = max(best, longestKey(k, depth+len(k.edge)))
	}
	return best
}

// Keep registers held, which lists secrets still held (a session's
// tokens): Forget never forgets one of them. held is called without the
// redactor's lock and must not call into the redactor.
func (r *Redactor) Keep(held func() []string) {
	if r == nil || held == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keepers = append(r.keepers, held)
}

// Known is how many secrets the redactor knows.
func (r *Redactor) Known() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.secrets)
}

// begin counts an exchange begun by a recorder: what is added while it
// is built is kept while the recorder holds it (see Forget).
func (r *Redactor) begin() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	return r.gen
}

// hold registers a recorder that uses the redactor.
func (r *Redactor) hold(rec *Recorder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.holders, rec) {
		r.holders = append(r.holders, rec)
	}
}

// keys are what the decoded text is searched for, folded: the secret as
// it is, as decoding would read it (a secret may hold what looks like an
// escape), as sanitising leaves it, and its base64 encodings.
func keys(secret string) []string {
	forms := []string{secret, textsafe.Sanitize(secret), textsafe.SanitizeMultiline(secret), strings.ReplaceAll(secret, "\u00a0", " ")}
	forms = append(forms, charsetForms(secret)...)
	for d, l := secret, 0; l < maxLayers; l++ {
		next, _, _, changed := decodeUnits(d, nil, nil, escAll)
		if !changed {
			break
		}
		d = string(next)
		forms = append(forms, d)
	}
	if strings.HasSuffix(secret, `\`) {
		// A trailing backslash, once decoded, makes an escape with what
		// follows the secret (the quote that closes its string): that
		// escape's character stands in for it.
		for _, c := range []string{`"`, `/`, `\`, `'`} {
			forms = append(forms, secret[:len(secret)-1]+c)
		}
	}
	var out []string
	seen := map[string]bool{}
	keep := func(k string, min int) {
		if len(k) >= min && !seen[k] {
			seen[k] = true
			out = append(out, foldString(k))
		}
	}
	for _, f := range forms {
		keep(f, minSecretLen)
	}
	// base64: the whole encoding (the padding left alone), and for the
	// other two alignments inside a larger blob the characters that depend
	// on the secret alone. The first alignment's is a prefix of the whole.
	keep(base64.RawStdEncoding.EncodeToString([]byte(secret)), minSecretLen)
	for _, core := range base64Cores(secret)[1:] {
		keep(core, minEncodedLen)
	}
	return out
}

func (n *node) child(c byte) *node {
	if i := bytes.IndexByte(n.first, c); i >= 0 {
		return n.kids[i]
	}
	return nil
}

// insert adds key; the first shown given for a key stays.
func (n *node) insert(key, shown string) {
	for {
		if key == "" {
			if n.refs == 0 {
				n.shown = shown
			}
			n.refs++
			return
		}
		i := bytes.IndexByte(n.first, key[0])
		if i < 0 {
			n.kids = append(n.kids, &node{edge: key, shown: shown, refs: 1})
			n.first = append(n.first, key[0])
			return
		}
		c := n.kids[i]
		p := 0
		for p < len(c.edge) && p < len(key) && c.edge[p] == key[p] {
			p++
		}
		if p < len(c.edge) {
			mid := &node{edge: c.edge[:p], kids: []*node{c}, first: []byte{c.edge[p]}}
			c.edge = c.edge[p:]
			n.kids[i] = mid
			c = mid
		}
		n, key = c, key[p:]
	}
}

// remove takes back one insert of key (n is the root): a node no key
// ends at or passes through goes, and a node left with one child and no
// key of its own is merged with it, so the tree is as if key had never
// been inserted.
func (n *node) remove(key string) {
	type step struct {
		parent *node
		at     int
	}
	var path []step
	cur := n
	for key != "" {
		i := bytes.IndexByte(cur.first, key[0])
		if i < 0 {
			return
		}
		c := cur.kids[i]
		if !strings.HasPrefix(key, c.edge) {
			return
		}
		path = append(path, step{cur, i})
		cur, key = c, key[len(c.edge):]
	}
	if cur.refs == 0 {
		return
	}
	if cur.refs--; cur.refs > 0 {
		return
	}
	cur.shown = ""
	// Prune empty leaves upwards.
	for len(path) > 0 && cur.refs == 0 && len(cur.kids) == 0 {
		st := path[len(path)-1]
		path = path[:len(path)-1]
		p := st.parent
		last := len(p.kids) - 1
		p.kids[st.at], p.first[st.at] = p.kids[last], p.first[last]
		p.kids[last] = nil
		p.kids, p.first = p.kids[:last], p.first[:last]
		cur = p
	}
	// A node left with one child and no key is merged with the child
	// (never the root, whose edge is empty).
	if len(path) > 0 && cur.refs == 0 && len(cur.kids) == 1 {
		c := cur.kids[0]
		cur.edge += c.edge
		cur.kids, cur.first, cur.shown, cur.refs = c.kids, c.first, c.shown, c.refs
	}
	if len(cur.kids) == 0 {
		cur.kids, cur.first = nil, nil
	}
}

// longest finds the longest key that starts at d[i]; end is where it ends
// (0 for none). partial says d ends inside a longer key, which a cut text
// may have left the start of.
func (r *Redactor) longest(d []byte, i int) (end int, shown string, partial bool) {
	n, j := &r.root, i
	for {
		if j == len(d) {
			return end, shown, j > i && len(n.kids) > 0
		}
		var c *node
		if j == i {
			c = r.top[fold[d[j]]]
		} else {
			c = n.child(fold[d[j]])
		}
		if c == nil {
			return end, shown, false
		}
		e := c.edge
		k := 1
		for k < len(e) && j+k < len(d) && fold[d[j+k]] == e[k] {
			k++
		}
		if k < len(e) {
			return end, shown, j+k == len(d)
		}
		j += k
		n = c
		if n.refs > 0 {
			end, shown = j, n.shown
		}
	}
}

// maxLayers is how many layers of encoding are taken off: one encoding,
// one inside another (a JSON string holding a form-encoded echo), and one
// more for a secret that itself holds what reads as an escape ("%41").
const maxLayers = 3

// cutShown stands in for the start of a secret that a cut left at the
// end of a text.
const cutShown = "[•••• (cut)]"

// Redact returns s with every known secret, in every encoding, replaced.
// A nil Redactor returns s unchanged.
func (r *Redactor) Redact(s string) string { return r.redact(s, false) }

// RedactCut is Redact for text cut off at a limit: a secret the cut left
// only the start of is redacted too.
func (r *Redactor) RedactCut(s string) string { return r.redact(s, true) }

type span struct {
	start, end int
	shown      string
}

func (r *Redactor) redact(s string, cut bool) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.root.kids) == 0 {
		return s
	}
	var spans []span
	layers(s, func(d []byte, src func(a, b int) (int, int)) {
		spans = r.scan(d, src, spans)
	})
	if cut {
		if from := r.cutFrom(s); from < len(s) {
			spans = append(spans, span{from, len(s), cutShown})
		}
	}
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for i := 0; i < len(spans); {
		sp := spans[i]
		end := sp.end
		for i++; i < len(spans) && spans[i].start < end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(s[at:sp.start])
		b.WriteString(sp.shown)
		at = end
	}
	b.WriteString(s[at:])
	return b.String()
}

// layers calls f with s and with s decoded once and twice (while there is
// anything to decode), and with every blob in it decoded (see blobs);
// src maps a span of the decoded bytes back to s.
func layers(s string, f func(d []byte, src func(a, b int) (int, int))) {
	budget := blobBudget(len(s))
	var visit func(d []byte, st, en []int32, depth int)
	visit = func(d []byte, st, en []int32, depth int) {
		var txt mapped
		var big []mapped
		last := escapeLayers(d, st, en, func(d []byte, st, en []int32) { f(d, srcOf(st, en)) })
		if depth < maxBlobDepth {
			// Blobs in the text as it is and with every escape off (a
			// JSON string's \r\n between lines of base64); the layers
			// between hold the same blobs.
			blobs(d, st, en, &budget, f, &txt, &big)
			if last.d != nil {
				blobs(last.d, last.st, last.en, &budget, f, &txt, &big)
			}
		}
		if len(txt.d) > 0 {
			visit(txt.d, txt.st, txt.en, depth+1)
		}
		for _, m := range big {
			visit(m.d, m.st, m.en, depth+1)
		}
	}
	visit([]byte(s), nil, nil, 0)
}

// srcOf maps a span of decoded bytes back to the original text.
func srcOf(st, en []int32) func(a, b int) (int, int) {
	if st == nil {
		return func(a, b int) (int, int) { return a, b }
	}
	return func(a, b int) (int, int) { return int(st[a]), int(en[b-1]) }
}

// escapeLayers calls f with d and with d's escapes taken off, layer by
// layer; last is the last layer with every kind of escape off (nil d for
// none).
func escapeLayers(d []byte, st, en []int32, f func(d []byte, st, en []int32)) (last mapped) {
	f(d, st, en)
	if bytes.ContainsAny(d, "\r\n") {
		// A secret wrapped over lines (MIME base64 at 76 columns, a page
		// that breaks long words) is found with the breaks left out.
		dd, idx := dropBreaks(d)
		bst, ben := make([]int32, len(idx)), make([]int32, len(idx))
		for i, k := range idx {
			bst[i], ben[i] = k, k+1
			if st != nil {
				bst[i], ben[i] = st[k], en[k]
			}
		}
		f(dd, bst, ben)
	}
	// One encoder escapes with one character and leaves the others raw
	// (HTML leaves '\\' and '%', JSON leaves '%' and '&'): when text holds
	// more than one kind, each kind is also taken off alone, so that a raw
	// one in the secret is not read as an escape.
	chain := func(kinds escapeKind) {
		d, st, en := d, st, en
		for l := 0; l < maxLayers && bytes.ContainsAny(d, `%\\&`); l++ {
			var changed bool
			d, st, en, changed = decodeUnits(string(d), st, en, kinds)
			if !changed {
				return
			}
			f(d, st, en)
			if kinds == escAll {
				last = mapped{d, st, en}
			}
		}
	}
	if k := escapeKinds(d); k&(k-1) != 0 {
		for _, only := range []escapeKind{escPercent, escBackslash, escAmp} {
			if k&only != 0 {
				chain(only)
			}
		}
	}
	chain(escAll)
	return last
}

// dropBreaks is d without CR and LF, with where each byte left was.
func dropBreaks[T string | []byte](d T) ([]byte, []int32) {
	out := make([]byte, 0, len(d))
	st := make([]int32, 0, len(d))
	for i := 0; i < len(d); i++ {
		if d[i] != '\r' && d[i] != '\n' {
			out = append(out, d[i])
			st = append(st, int32(i))
		}
	}
	return out, st
}

// escapeKind is a set of the escapes decodeUnits takes off.
type escapeKind uint8

const (
	escPercent escapeKind = 1 << iota
	escBackslash
	escAmp
	escAll = escPercent | escBackslash | escAmp
)

// escapeKinds is which escape characters s holds.
func escapeKinds[T string | []byte](s T) escapeKind {
	var k escapeKind
	if bytes.IndexByte([]byte(s), '%') >= 0 {
		k |= escPercent
	}
	if bytes.IndexByte([]byte(s), '\\') >= 0 {
		k |= escBackslash
	}
	if bytes.IndexByte([]byte(s), '&') >= 0 {
		k |= escAmp
	}
	return k
}

// scan adds the spans of d where a key starts, mapped back to the text by
// src.
func (r *Redactor) scan(d []byte, src func(a, b int) (int, int), spans []span) []span {
	for i := 0; i < len(d); i++ {
		if r.top[fold[d[i]]] == nil {
			continue
		}
		if end, shown, _ := r.longest(d, i); end > 0 {
			a, b := src(i, end)
			spans = append(spans, span{a, b, shown})
		}
	}
	return spans
}

// cutFrom is where the start of a key that a cut left at the end of s
// begins (len(s) for none): in some layer of decoding, the text from there
// runs to the end, or to an escape the cut left incomplete, and is the
// start of a key. Only the tail that can hold such a start is decoded.
func (r *Redactor) cutFrom(s string) int {
	from := len(s)
	base := max(0, len(s)-16*r.maxKey-64)
	var walk func(d []byte, st, en []int32, depth int, kinds escapeKind)
	walk = func(d []byte, st, en []int32, depth int, kinds escapeKind) {
		src := func(i int) int {
			if st == nil {
				return base + i
			}
			return base + int(st[i])
		}
		for _, e := range incompleteEnds(d) {
			if e < len(d) {
				// Trimmed, what is left may end in another cut escape.
				if st != nil {
					walk(d[:e], st[:e], en[:e], depth, kinds)
				} else {
					walk(d[:e], nil, nil, depth, kinds)
				}
				continue
			}
			dd := d
			for i := max(0, e-r.maxKey); i < e && src(i) < from; i++ {
				if _, _, partial := r.longest(dd, i); partial {
					from = src(i)
					break
				}
			}
			if depth < maxLayers && bytes.ContainsAny(dd, `%\\&`) {
				var sst, sen []int32
				if st != nil {
					sst, sen = st[:e], en[:e]
				}
				if d2, st2, en2, changed := decodeUnits(string(dd), sst, sen, kinds); changed {
					walk(d2, st2, en2, depth+1, kinds)
				}
			}
		}
	}
	tail := s[base:]
	// As in layers: every kind of escape together, and each alone.
	if k := escapeKinds(tail); k&(k-1) != 0 {
		for _, only := range []escapeKind{escPercent, escBackslash, escAmp} {
			if k&only != 0 {
				walk([]byte(tail), nil, nil, 0, only)
			}
		}
	}
	walk([]byte(tail), nil, nil, 0, escAll)
	if strings.ContainsAny(tail, "\r\n") {
		d, st := dropBreaks(tail)
		en := make([]int32, len(st))
		for i, v := range st {
			en[i] = v + 1
		}
		walk(d, st, en, 0, escAll)
	}
	return from
}

// incompleteEnds are where text cut at its end may really end: the end,
// and the start of an escape the cut left incomplete.
func incompleteEnds(d []byte) []int {
	ends := []int{len(d)}
	for k := len(d) - 1; k >= 0 && k >= len(d)-12; k-- {
		if escapeStart(d[k:]) {
			ends = append(ends, k)
		}
	}
	return ends
}

// escapeStart reports whether t is the start of an escape that a cut
// left incomplete.
func escapeStart(t []byte) bool {
	allHex := func(t []byte) bool {
		return !bytes.ContainsFunc(t, func(r rune) bool { return r > 0x7f || !isHex(byte(r)) })
	}
	switch {
	case len(t) == 0:
		return false
	case t[0] == '%':
		if len(t) >= 2 && t[1] == 'u' {
			if len(t) >= 6 {
				// A high surrogate whose low half was cut.
				v, ok := hexValue(string(t[2:6]))
				return ok && v >= 0xd800 && v < 0xdc00 && (len(t) == 6 || len(t) < 12 && escapeStart(t[6:]))
			}
			return allHex(t[2:])
		}
		return len(t) <= 2 && allHex(t[1:])
	case t[0] == '\\':
		if len(t) >= 6 && t[1] == 'u' {
			// A high surrogate whose low half was cut.
			v, ok := hexValue(string(t[2:6]))
			return ok && v >= 0xd800 && v < 0xdc00 && (len(t) == 6 || len(t) < 12 && escapeStart(t[6:]))
		}
		allOctal := !bytes.ContainsFunc(t[1:], func(r rune) bool { return r < '0' || r > '7' })
		return len(t) == 1 || (t[1] == 'u' && allHex(t[2:])) || (t[1] == 'x' && len(t) <= 3 && allHex(t[2:])) || len(t) <= 3 && allOctal
	case t[0] == '&':
		rest := t[1:]
		if len(rest) > 0 && rest[0] == '#' {
			rest = rest[1:]
			if len(rest) > 0 && (rest[0] == 'x' || rest[0] == 'X') {
				rest = rest[1:]
			}
			return allHex(rest)
		}
		return !bytes.ContainsFunc(rest, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		})
	}
	return false
}

// decodeUnits takes one layer of escapes off s, unit by unit: %XX (either
// case), JSON's \uXXXX (surrogate pairs joined), \xXX, octal \NNN and
// one-character escapes, and HTML character references. Each decoded byte keeps the
// source span of its unit, composed through st and en when s is itself
// decoded (nil: s is the original).
func decodeUnits(s string, st, en []int32, kinds escapeKind) (out []byte, ost, oen []int32, changed bool) {
	out = make([]byte, 0, len(s))
	ost = make([]int32, 0, len(s))
	oen = make([]int32, 0, len(s))
	emit := func(b []byte, i, j int) {
		a, z := int32(i), int32(j)
		if st != nil {
			a, z = st[i], en[j-1]
		}
		for _, c := range b {
			out = append(out, c)
			ost = append(ost, a)
			oen = append(oen, z)
		}
	}
	var buf [8]byte
	for i := 0; i < len(s); {
		c := s[i]
		var dec []byte
		n := 0
		switch {
		case c == '%' && kinds&escPercent != 0:
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				buf[0] = unhex(s[i+1])<<4 | unhex(s[i+2])
				dec, n = buf[:1], 3
			} else if i+5 < len(s) && s[i+1] == 'u' {
				// %uXXXX, JavaScript's escape(): surrogate pairs joined.
				dec, n = jsonEscape("\\"+strings.ReplaceAll(s[i+1:min(len(s), i+12)], "%u", "\\u"), buf[:0])
			}
		case c == '\\' && kinds&escBackslash != 0:
			dec, n = jsonEscape(s[i:], buf[:0])
		case c == '&' && kinds&escAmp != 0:
			dec, n = htmlReference(s[i:], buf[:0])
		}
		if n == 0 {
			emit([]byte{c}, i, i+1)
			i++
			continue
		}
		changed = true
		emit(dec, i, i+n)
		i += n
	}
	return out, ost, oen, changed
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

func hexValue(s string) (rune, bool) {
	var v rune
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return 0, false
		}
		v = v<<4 | rune(unhex(s[i]))
	}
	return v, len(s) > 0
}

// jsonEscape decodes the escape at the start of s (which starts with a
// backslash); n is 0 when it is none.
func jsonEscape(s string, buf []byte) ([]byte, int) {
	if len(s) < 2 {
		return nil, 0
	}
	switch s[1] {
	case '"', '\\', '/', '\'':
		return append(buf, s[1]), 2
	case 'n':
		return append(buf, '\n'), 2
	case 't':
		return append(buf, '\t'), 2
	case 'r':
		return append(buf, '\r'), 2
	case 'b':
		return append(buf, '\b'), 2
	case 'f':
		return append(buf, '\f'), 2
	case 'x':
		if len(s) >= 4 {
			if v, ok := hexValue(s[2:4]); ok {
				return append(buf, byte(v)), 4
			}
		}
	case '0', '1', '2', '3', '4', '5', '6', '7':
		// An octal escape (C, PHP, od -b, a shell's $'…'): one to
		// three digits, a byte.
		v, k := 0, 1
		for k < len(s) && k < 4 && s[k] >= '0' && s[k] <= '7' && v*8+int(s[k]-'0') <= 0xff {
			v = v*8 + int(s[k]-'0')
			k++
		}
		return append(buf, byte(v)), k
	case 'u':
		if len(s) < 6 {
			return nil, 0
		}
		v, ok := hexValue(s[2:6])
		if !ok {
			return nil, 0
		}
		if utf16.IsSurrogate(v) && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if lo, ok := hexValue(s[8:12]); ok {
				if r := utf16.DecodeRune(v, lo); r != utf8.RuneError {
					return utf8.AppendRune(buf, r), 12
				}
			}
		}
		return utf8.AppendRune(buf, v), 6
	}
	return nil, 0
}

// htmlReference decodes the character reference at the start of s (which
// starts with '&'): &#39; &#x27; (the ';' optional, as browsers read
// them) and named ones (&quot; &apos; &amp; &nbsp; …).
func htmlReference(s string, buf []byte) ([]byte, int) {
	if len(s) < 3 {
		return nil, 0
	}
	if s[1] == '#' {
		j, base := 2, 10
		if s[2] == 'x' || s[2] == 'X' {
			j, base = 3, 16
		}
		k := j
		var v rune
		for k < len(s) && k-j < 8 {
			c := s[k]
			var d rune
			switch {
			case '0' <= c && c <= '9':
				d = rune(c - '0')
			case base == 16 && isHex(c):
				d = rune(unhex(c))
			default:
				goto done
			}
			v = v*rune(base) + d
			k++
		}
	done:
		if k == j {
			return nil, 0
		}
		if k < len(s) && s[k] == ';' {
			k++
		}
		if v == 0 || v > unicode.MaxRune || utf16.IsSurrogate(v) {
			v = unicode.ReplacementChar
		}
		return utf8.AppendRune(buf, v), k
	}
	k := 1
	for k < len(s) && k < 33 && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k == 1 || k >= len(s) || s[k] != ';' {
		return nil, 0
	}
	ref := s[:k+1]
	if u := html.UnescapeString(ref); u != ref {
		if u == "\u00a0" {
			// &nbsp; stands for a space in an echo.
			u = " "
		}
		return append(buf, u...), k + 1
	}
	return nil, 0
}

// Variants lists common forms secret takes in text: raw, sanitised, every
// JSON escaping, URL encodings, and base64 whole and as the stable middle
// of a larger base64 blob. Tests grep output for them; the Redactor does
// not enumerate forms (it decodes the text), so it also finds forms not
// listed here. Forms shorter than the secret's own minimum are left out.
func Variants(secret string) []string {
	if len(secret) < minSecretLen {
		return nil
	}
	out := []string{secret}
	add := func(v string) {
		if len(v) >= minSecretLen {
			out = append(out, v)
		}
	}
	add(textsafe.Sanitize(secret))
	add(textsafe.SanitizeMultiline(secret))
	for _, j := range jsonForms(secret) {
		add(j)
	}
	add(url.QueryEscape(secret))
	add(url.PathEscape(secret))
	add(strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		add(enc.EncodeToString([]byte(secret)))
	}
	for _, core := range base64Cores(secret) {
		if len(core) >= minEncodedLen {
			out = append(out, core, strings.NewReplacer("+", "-", "/", "_").Replace(core))
		}
	}
	return out
}

// jsonForms are the inside of a JSON string holding secret, as encoders
// write it: Go's default (HTML characters as \u003c) and without HTML
// escaping; each also ASCII-only with every other character as \uXXXX
// (Python's default), with upper case hex, and with '/' as '\/' (PHP).
func jsonForms(secret string) []string {
	quoted, _ := json.Marshal(secret)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(secret)
	var forms []string
	for _, base := range []string{unquote(quoted), unquote(bytes.TrimRight(plain.Bytes(), "\n"))} {
		for _, f := range []string{base, asciiOnly(base)} {
			forms = append(forms, f, upperHexEscapes(f), strings.ReplaceAll(f, "/", `\/`), strings.ReplaceAll(upperHexEscapes(f), "/", `\/`))
		}
	}
	return forms
}

// asciiOnly escapes every non-ASCII character of JSON string contents as
// \uXXXX (a surrogate pair above U+FFFF).
func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < utf8.RuneSelf {
			b.WriteRune(c)
			continue
		}
		if c > 0xffff {
			c -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(c>>10), 0xdc00+(c&0x3ff))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, c)
	}
	return b.String()
}

func unquote(b []byte) string {
	s := string(b)
	if len(s) >= 2 {
		s = s[1 : len(s)-1]
	}
	return s
}

// upperHexEscapes writes the hex digits of \uXXXX escapes in upper case.
func upperHexEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == 'u' && i+6 <= len(s) {
			b.WriteString(`\u` + strings.ToUpper(s[i+2:i+6]))
			i += 5
			continue
		}
		b.WriteString(s[i : i+2])
		i++
	}
	return b.String()
}

// base64Cores are the characters of a base64 encoding that depend on the
// secret alone, for each of the three alignments it can have inside a
// longer encoded value: the groups touched by what comes before or after
// are cut off.
func base64Cores(secret string) []string {
	var out []string
	for k := 0; k < 3; k++ {
		data := append(make([]byte, k), secret...)
		enc := base64.RawStdEncoding.EncodeToString(data)
		start := 0
		if k > 0 {
			start = 4 // the first group mixes in k bytes of what came before
		}
		end := (len(data) / 3) * 4 // full groups only: the tail mixes in what follows
		if end > start {
			out = append(out, enc[start:end])
		}
	}
	return out
}
