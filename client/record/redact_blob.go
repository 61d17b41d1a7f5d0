package record

import (
	"bytes"
	"encoding/binary"
	"slices"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A blob is a run of text in a binary-to-text alphabet: base64 (standard
// or URL, padded or not, wrapped at any column), hex (either case) or
// base32. Decoding it is one more layer, like an escape: what it holds
// goes through the same escapes and the same search, so a secret is found
// at any offset inside a larger blob (the base64 of a whole request), in
// any escaping inside it (a JSON-escaped password in a base64 body), and
// inside a blob inside a blob. A match covers every character of the
// blob that carries a bit of the secret (the whole groups decoded into
// it), so nothing of it is left beside the label.

const (
	// maxBlobDepth is how many blobs deep decoding goes (base64 of a
	// request holding a token's base64 is two).
	maxBlobDepth = 2
	// minBlobBytes is the fewest decoded bytes worth a search: a secret
	// is at least minSecretLen long.
	minBlobBytes = minSecretLen
	// bigBlob is the size from which a blob's text goes through the
	// layers alone.
	bigBlob = 1 << 10
)

// blobBudget bounds the bytes all blob layers of one text decode to: a
// small multiple of the text, so a megabyte of base64 costs a few.
func blobBudget(n int) int { return 4*n + 64<<10 }

var (
	b64Val = alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "-_", 62)
	b32Val = alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "", 0)
	// Lower-case base32 is a run of its own: RFC 4648 decoders take either
	// case (TOTP secrets, DNS labels and Nix hashes are written in lower
	// case), but a run mixing both reads as words, not as an encoding.
	b32Lower = alphabet("abcdefghijklmnopqrstuvwxyz234567", "", 0)
	hexVal   = func() (t [256]byte) {
		for i := range t {
			t[i] = 0xff
			if isHex(byte(i)) {
				t[i] = unhex(byte(i))
			}
		}
		return t
	}()
)

func alphabet(chars, extra string, extraFrom byte) (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(chars); i++ {
		t[chars[i]] = byte(i)
	}
	for i := 0; i < len(extra); i++ {
		t[extra[i]] = extraFrom + byte(i)
	}
	return t
}

// blobKind is one binary-to-text encoding: its alphabet, how many
// characters make a group and how many bytes a group holds.
type blobKind struct {
	val         *[256]byte
	chars, size int
	// textOnly: only text is searched for, at the run's own alignment
	// (lower-case base32, whose alphabet is most of a lower-case word:
	// a word decodes to binary, dropped at its first control byte).
	textOnly bool
}

var blobKinds = []blobKind{
	{&b64Val, 4, 3, false},
	{&hexVal, 2, 1, false},
	{&b32Val, 8, 5, false},
	{&b32Lower, 8, 5, true},
}

// mapped is decoded text and, for each byte, the span of the original
// text it came from (st nil: the text is the original).
type mapped struct {
	d      []byte
	st, en []int32
}

// blobs decodes every blob of d (mapped to the original by st and en)
// at each alignment it can have. What decodes to binary is searched as it
// is (a Latin-1 or UTF-16 form, a token's bytes) by bin; what decodes to
// text goes to txt, or alone to big when large, and through every layer
// again. budget is
// decremented by the bytes decoded; nothing is decoded once it is spent.
func blobs(d []byte, st, en []int32, budget *int, bin func(d []byte, src func(a, b int) (int, int)), txt *mapped, big *[]mapped) {
	pst := func(i int32) int32 {
		if st == nil {
			return i
		}
		return st[i]
	}
	pen := func(i int32) int32 {
		if en == nil {
			return i + 1
		}
		return en[i]
	}
	var out []byte
	var run func(pos []int32, k blobKind)
	run = func(pos []int32, k blobKind) {
		if len(pos)*k.size/k.chars < minBlobBytes || *budget <= 0 {
			return
		}
		for off := 0; off < k.chars && len(pos)-off >= 2; off++ {
			p := pos[off:]
			// Another alignment is the blob's when a run starts with
			// what is not (a path before base64): it reads as text.
			// Binary at another alignment is noise, dropped at its
			// first control byte.
			var text bool
			out, text = decodeGroups(out[:0], p, d, k, off > 0 || k.textOnly)
			if len(out) < minBlobBytes || (off > 0 || k.textOnly) && !text {
				if k.textOnly {
					return
				}
				continue
			}
			// Decoded byte b comes from the group of characters
			// starting at p[b/size*chars].
			first := func(b int) int { return b / k.size * k.chars }
			last := func(b int) int { return min(first(b)+k.chars, len(p)) - 1 }
			if !text && off == 0 {
				// Text up to a line, then not: two blobs one under the
				// other, or a blob and a word on the next line. Each
				// part is a run of its own.
				if n := textPrefix(out); n >= minBlobBytes {
					for q := first(n); q > 0; q-- {
						if p[q] != p[q-1]+1 {
							run(pos[:q], k)
							run(pos[q:], k)
							return
						}
					}
				}
			}
			*budget -= len(out)
			if !text {
				bin(out, func(a, b int) (int, int) { return int(pst(p[first(a)])), int(pen(p[last(b-1)])) })
				continue
			}
			// Text: this alignment is the blob's (another one reads as
			// text by chance only), the others are not tried.
			off = k.chars
			if len(out) >= bigBlob {
				// Alone, so that an escape in a small blob does not
				// make every layer decode a large one again.
				m := mapped{make([]byte, len(out)), make([]int32, len(out)), make([]int32, len(out))}
				copy(m.d, out)
				for b := range out {
					m.st[b], m.en[b] = pst(p[first(b)]), pen(p[last(b)])
				}
				*big = append(*big, m)
				continue
			}
			if len(txt.d) > 0 {
				// Apart from what came before.
				txt.d = append(txt.d, 0xff)
				txt.st = append(txt.st, txt.en[len(txt.en)-1]-1)
				txt.en = append(txt.en, txt.en[len(txt.en)-1])
			}
			txt.d = slices.Grow(txt.d, len(out))
			txt.st = slices.Grow(txt.st, len(out))
			txt.en = slices.Grow(txt.en, len(out))
			for b := range out {
				txt.d = append(txt.d, out[b])
				txt.st = append(txt.st, pst(p[first(b)]))
				txt.en = append(txt.en, pen(p[last(b)]))
			}
		}
	}
	var pos, gpos []int32
	for _, k := range blobKinds {
		hex := k.val == &hexVal
		grouped := 0 // where groupedRuns stopped
		for i := 0; i < len(d) && *budget > 0; {
			if k.val[d[i]] == 0xff {
				i++
				continue
			}
			// A run: the alphabet's characters, line breaks between them
			// left out; padding or an empty line ends it.
			pos = pos[:0]
			j, line := i, i
			for ; j < len(d); j++ {
				c := d[j]
				if k.val[c] != 0xff {
					pos = append(pos, int32(j))
					if line < 0 {
						line = j
					}
				} else if c != '\r' && c != '\n' || c == '\n' && j > 0 && (d[j-1] == '\n' || d[j-1] == '\r' && j > 1 && d[j-2] == '\n') {
					break
				} else {
					line = -1
				}
			}
			i = j
			run(pos, k)
			// Its last line's characters may be the first group of a
			// blob grouped by separators.
			if line >= grouped && j < len(d) && *budget > 0 &&
				(sepByte[d[j]] && (j-line)%k.chars == 0 || hex && j == line+1 && d[line] == '0' && d[j]|0x20 == 'x') {
				grouped = groupedRuns(d, k, line, &gpos, func(p []int32) { run(p, k) })
			}
		}
	}
}

// sepByte: what separates the groups of a blob written for people to read
// (a hex dump's spaces, "53:75", "0x53, 0x75", quoted-printable's "=53").
var sepByte = func() (t [256]bool) {
	for _, c := range " \t:,-.=;|" {
		t[c] = true
	}
	return t
}()

// maxSep is the longest separator between two groups (", " and a
// line break).
const maxSep = 6

// groupedRuns calls f with the positions of each run of d in kind k's
// alphabet that is split into groups by separators: one separator, the
// same each time (a line break, with separators around it or not, may
// stand for it), between groups that are each a whole number of k's
// groups (hex: bytes; base64: four characters), the last maybe not. A
// "0x" before a hex group is part of the separator. Such a run is a blob
// the way a wrapped one is: the separators are left out as line breaks
// are. Runs without a separator other than line breaks are blobs' own
// (see blobs). It starts at from, goes on while one run's last group may
// start the next, and returns where it stopped.
func groupedRuns(d []byte, k blobKind, from int, pos *[]int32, f func(pos []int32)) (end int) {
	hex := k.val == &hexVal
	groupAt := func(j int) int {
		if hex && j+2 < len(d) && d[j] == '0' && d[j+1]|0x20 == 'x' && isHex(d[j+2]) {
			return j + 2
		}
		return j
	}
	type group struct{ a, b int }
	var gs []group
	for i := from; i < len(d); {
		if k.val[d[i]] == 0xff {
			return i
		}
		gs = gs[:0]
		var sep []byte
		j := groupAt(i)
		var next int
		for {
			a := j
			for j < len(d) && k.val[d[j]] != 0xff {
				j++
			}
			gs = append(gs, group{a, j})
			if (j-a)%k.chars != 0 {
				// Not whole groups of the encoding: the last.
				next = j
				break
			}
			// The separator.
			ss := j
			breaks := 0
			for j < len(d) && j-ss <= maxSep && (sepByte[d[j]] || d[j] == '\r' || d[j] == '\n') {
				if d[j] == '\n' {
					breaks++
				}
				j++
			}
			se := j
			if se < len(d) {
				j = groupAt(j)
			}
			if se == ss || se-ss > maxSep || breaks > 1 || j >= len(d) || k.val[d[j]] == 0xff {
				next = se
				break
			}
			if breaks == 0 {
				if sep == nil {
					sep = d[ss:se]
				} else if !bytes.Equal(sep, d[ss:se]) {
					// Another separator: the last group may start a run
					// of its own ("sent: U3Vw M3JT").
					next = gs[len(gs)-1].a
					break
				}
			}
		}
		i = max(next, i+1)
		if sep == nil || len(gs) < 2 {
			continue
		}
		p := (*pos)[:0]
		for _, g := range gs {
			for c := g.a; c < g.b; c++ {
				p = append(p, int32(c))
			}
		}
		*pos = p
		f(p)
	}
	return len(d)
}

// textPrefix is how many bytes at the start of b read as text.
func textPrefix(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 || !textByte[b[i]] {
			return i
		}
		i += n
	}
	return len(b)
}

// decodeGroups appends to out the bytes the characters of d at p decode
// to in kind k; a last incomplete group gives the whole bytes it holds.
// text says they read as text (see textByte) and valid UTF-8; textOnly
// stops at the first byte that does not.
func decodeGroups(out []byte, p []int32, d []byte, k blobKind, textOnly bool) ([]byte, bool) {
	bits := uint(0)
	var acc uint64
	per := uint(8 * k.size / k.chars)
	text := true
	for _, i := range p {
		acc = acc<<per | uint64(k.val[d[i]])
		bits += per
		if bits >= 8 {
			bits -= 8
			c := byte(acc >> bits)
			if text && !textByte[c] {
				if textOnly {
					return out, false
				}
				text = false
			}
			out = append(out, c)
		}
	}
	return out, text && utf8.Valid(out)
}

// textByte: what text holds; controls but tab, line breaks and NUL (UTF-16
// text is half NULs) say a misaligned decoding or binary data.
var textByte = func() (t [256]bool) {
	for i := range t {
		t[i] = i >= 0x20 && i != 0x7f || i == '\t' || i == '\n' || i == '\r' || i == 0
	}
	return t
}()

// charsetForms are the forms of secret another normalisation or another
// character set gives it: NFC and NFD (a Mac or a browser may normalise
// what it echoes), Latin-1 (a percent-encoder in ISO-8859-1) and UTF-16 in
// either byte order (a hex dump of a Windows string) for secrets short
// enough that doubling them costs little.
func charsetForms(secret string) []string {
	var out []string
	for _, f := range []string{norm.NFC.String(secret), norm.NFD.String(secret)} {
		if f != secret {
			out = append(out, f)
		}
		if l, ok := latin1(f); ok && l != f {
			out = append(out, l)
		}
		if len(f) <= 128 {
			u := utf16.Encode([]rune(f))
			be := make([]byte, 0, 2*len(u))
			le := make([]byte, 0, 2*len(u))
			for _, c := range u {
				be = binary.BigEndian.AppendUint16(be, c)
				le = binary.LittleEndian.AppendUint16(le, c)
			}
			out = append(out, string(be), string(le))
		}
	}
	return out
}

// latin1 is s in ISO-8859-1, if every character has a place there.
func latin1(s string) (string, bool) {
	var b bytes.Buffer
	for _, r := range s {
		if r > 0xff || r == utf8.RuneError {
			return "", false
		}
		b.WriteByte(byte(r))
	}
	return b.String(), true
}
