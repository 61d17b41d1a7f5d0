// Package profiles keeps named connections to Dintero: a human-readable
// YAML file in the user's config directory that never holds a secret, and a
// secret store that keeps secrets in the OS keyring (or where the profile
// says they come from). It knows nothing about terminals.
package profiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"gopkg.in/yaml.v3"

	"github.com/tokenbench/tokenbench/atomicfile"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// FormatVersion is the version of the profiles file this code writes.
const FormatVersion = 1

// FileName is the profiles file inside the config directory.
const FileName = "profiles.yaml"

// Profile is one saved connection. It holds no secret: Secrets says where
// each secret comes from.
type Profile struct {
	Name     string `yaml:"name"`
	BaseURL  string `yaml:"base_url,omitempty"`
	Account  string `yaml:"account"`
	Audience string `yaml:"audience,omitempty"`
	Grant    string `yaml:"grant"`
	// Partner is a partner id (T11200000) whose client gets a token for the
	// merchant Account through an exchange token (§8).
	Partner     string `yaml:"partner,omitempty"`
	ClientID    string `yaml:"client_id,omitempty"`
	Username    string `yaml:"username,omitempty"`
	RedirectURI string `yaml:"redirect_uri,omitempty"`
	// The passwordless login (authorization_code): IdentType is "email"
	// or "user_id", Ident the e-mail or user id; Connection and
	// CustomerType apply to an e-mail. A code is never kept.
	IdentType    string `yaml:"ident_type,omitempty"`
	Ident        string `yaml:"ident,omitempty"`
	Connection   string `yaml:"connection,omitempty"`
	CustomerType string `yaml:"customer_type,omitempty"`
	// AuthorizeURL is an oidc profile's identity provider login page.
	AuthorizeURL string `yaml:"authorize_url,omitempty"`
	// OldCode is the OAuth code an older version kept for its
	// authorization_code; read so such a file loads, never sent.
	OldCode    string `yaml:"code,omitempty"`
	JWKSURL    string `yaml:"jwks_url,omitempty"`
	MFAChannel string `yaml:"mfa_channel,omitempty"`
	Notes      string `yaml:"notes,omitempty"`
	// Secrets maps a secret kind to its source.
	Secrets map[Kind]Source `yaml:"secrets,omitempty"`
	// KeepTokens keeps obtained tokens across restarts (in the keyring).
	KeepTokens bool `yaml:"keep_tokens,omitempty"`
	// AutoRefresh refreshes the token RefreshBefore its expiry while the
	// workbench runs.
	AutoRefresh   bool     `yaml:"auto_refresh,omitempty"`
	RefreshBefore Duration `yaml:"refresh_before,omitempty"`
}

// Duration is a time.Duration written as "30s" in the file.
type Duration time.Duration

// MarshalYAML implements yaml.Marshaler.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 30s or 2m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Validate checks a profile as it would be saved. It is stricter than
// loading: a file written by an older version, with a name such as "-p",
// still loads (so that the profile can be renamed), but nothing saves such
// a profile again.
func (p Profile) Validate() error {
	if p.Name == "" {
		return &FieldError{Field: "name", Msg: "name is required"}
	}
	if err := p.check(); err != nil {
		return err
	}
	if strings.HasPrefix(p.Name, "-") {
		return fmt.Errorf("%w: profile name %q must not start with '-' (it would read as a flag)", client.ErrInvalidInput, textsafe.Sanitize(p.Name))
	}
	if p.RefreshBefore < 0 {
		return fmt.Errorf("%w: refresh before %s is negative", client.ErrInvalidInput, time.Duration(p.RefreshBefore))
	}
	return nil
}

// ValidateNew is Validate for a profile the user is adding or changing
// (the CLI's profile add and edit, the TUI's profile form): it must be one
// that can run. A password profile needs its username; a password or
// authorization_code profile whose Bearer is obtained with client
// credentials first (chained) needs its client id: the file keeps that
// choice only as the client id, so without one the choice would be lost.
// A JWKS URL must be one keys can be fetched from (client.ValidateJWKSURL).
// Store checks only Validate, so that an older file still saves.
func (p Profile) ValidateNew(chained bool) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if chained && p.Grant != string(client.GrantClientCredentials) && strings.TrimSpace(p.ClientID) == "" {
		return &FieldError{Field: "client-id", Msg: "client id is required to obtain the Bearer with client credentials"}
	}
	if p.Grant == string(client.GrantPassword) && strings.TrimSpace(p.Username) == "" {
		return &FieldError{Field: "username", Msg: "username is required for a password profile"}
	}
	if p.JWKSURL != "" {
		// Fetched to verify every token: refused now, on its field,
		// rather than as a signature that never verifies.
		if err := client.ValidateJWKSURL(p.JWKSURL); err != nil {
			return &FieldError{Field: "jwks-url", Msg: err.Error()}
		}
	}
	return nil
}

// FieldError is a profile that cannot be saved because of one field. Field
// is the name of the field as the CLI's flag and the TUI's form call it.
type FieldError struct {
	Field, Msg string
}

func (e *FieldError) Error() string { return client.ErrInvalidInput.Error() + ": " + e.Msg }

// Unwrap makes a FieldError an invalid input.
func (e *FieldError) Unwrap() error { return client.ErrInvalidInput }

// check is what every profile of a file must pass to load.
func (p Profile) check() error {
	if !validName(p.Name) {
		return fmt.Errorf("%w: profile name %q: use letters, digits, '.', '_' and '-' (at most 64)", client.ErrInvalidInput, textsafe.Sanitize(p.Name))
	}
	if err := client.ValidateOwnerID(p.Account); err != nil {
		return err
	}
	if _, err := client.ParseGrant(p.Grant); err != nil {
		return err
	}
	if p.Partner != "" {
		if err := client.ValidatePartnerID(p.Partner); err != nil {
			return err
		}
		if !client.IsAccountID(p.Account) || p.Account == p.Partner || p.Grant != string(client.GrantClientCredentials) {
			return fmt.Errorf("%w: a partner profile gets a client_credentials token for a merchant account (P or T + 8 digits) other than the partner", client.ErrInvalidInput)
		}
	}
	if p.BaseURL != "" {
		if _, err := client.ValidateBaseURL(p.BaseURL); err != nil {
			return err
		}
	}
	if p.MFAChannel != "" {
		if _, err := client.ParseChannel(p.MFAChannel); err != nil {
			return err
		}
	}
	for k, src := range p.Secrets {
		if !k.valid() {
			return fmt.Errorf("%w: unknown secret kind %q", client.ErrInvalidInput, k)
		}
		if err := src.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// MaxNameLen is the longest profile name.
const MaxNameLen = 64

// CopyName is the name offered for a copy of the profile called name:
// name-copy, the original shortened where that would be too long.
func CopyName(name string) string {
	const suffix = "-copy"
	if len(name)+len(suffix) > MaxNameLen {
		name = strings.TrimRight(name[:MaxNameLen-len(suffix)], "-")
	}
	return name + suffix
}

func validName(s string) bool {
	if s == "" || len(s) > MaxNameLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// file is the on-disk document.
type file struct {
	Version  int       `yaml:"version"`
	Profiles []Profile `yaml:"profiles"`
}

// ParseError is a profiles file that cannot be read. The file is left as it
// is; nothing is written over it.
type ParseError struct {
	Path   string
	Line   int // 0 when unknown
	Reason string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Reason)
}

// ErrNotFound is a profile name that does not exist.
var ErrNotFound = errors.New("no such profile")

// ErrExists is a name already taken.
var ErrExists = errors.New("a profile with that name exists")

// Store is the profiles file in one directory.
type Store struct {
	Dir string
}

// DirFromEnv picks the config directory: an explicit one, then
// $TOKENBENCH_CONFIG_DIR, then the OS's config directory (XDG_CONFIG_HOME on
// Linux) with "tokenbench" under it.
func DirFromEnv(explicit string, getenv func(string) string) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if d := getenv("TOKENBENCH_CONFIG_DIR"); d != "" {
		return d, nil
	}
	return DefaultDir(getenv)
}

// DefaultDir is the OS's config directory with "tokenbench" under it: the
// directory every version uses when neither --config-dir nor
// $TOKENBENCH_CONFIG_DIR names one. On Linux and the BSDs it is read
// through getenv ($XDG_CONFIG_HOME, else $HOME/.config), as
// os.UserConfigDir does.
func DefaultDir(getenv func(string) string) (string, error) {
	var base string
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		b, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("no config directory: %w (set TOKENBENCH_CONFIG_DIR)", err)
		}
		base = b
	default:
		base = getenv("XDG_CONFIG_HOME")
		if base == "" || !filepath.IsAbs(base) {
			home := getenv("HOME")
			if home == "" {
				return "", errors.New("no config directory: neither $XDG_CONFIG_HOME nor $HOME is set (set TOKENBENCH_CONFIG_DIR)")
			}
			base = filepath.Join(home, ".config")
		}
	}
	return filepath.Join(base, "tokenbench"), nil
}

// Path is the profiles file.
func (s *Store) Path() string { return filepath.Join(s.Dir, FileName) }

func (s *Store) lockPath() string { return filepath.Join(s.Dir, ".lock") }

// Load reads the profiles; a missing file is an empty list. A file with
// broken entries gives the others with its *ParseError. It first
// removes what a write killed mid-way left (see tidy).
func (s *Store) Load() ([]Profile, error) {
	s.tidy()
	f, err := s.read()
	if f == nil {
		return nil, err
	}
	// With a *ParseError, the profiles whose entries parse: shown,
	// read-only (nothing is written over a file that does not parse).
	return f.Profiles, err
}

// Get returns one profile.
func (s *Store) Get(name string) (Profile, error) {
	ps, err := s.Load()
	if err != nil {
		return Profile{}, err
	}
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
	}
	return Profile{}, fmt.Errorf("%w: %q", ErrNotFound, textsafe.Sanitize(name))
}

// LoosePermissions reports whether the file can be read by group or others;
// it is rewritten 0600 on the next save.
func (s *Store) LoosePermissions() bool {
	fi, err := os.Stat(s.Path())
	return err == nil && looseMode(fi)
}

func (s *Store) read() (*file, error) {
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return &file{Version: FormatVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading profiles: %w", err)
	}
	return parse(s.Path(), data)
}

func parse(path string, data []byte) (*file, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		// The profiles whose entries parse, with the broken entry's own
		// line; else the whole file's error.
		reason, line := splitYAMLError(err)
		if ps, bad := salvage(path, data); bad != nil && (len(ps) > 0 || bad.Line != line) {
			return &file{Version: FormatVersion, Profiles: ps}, bad
		}
		return nil, &ParseError{Path: path, Line: line, Reason: textsafe.Sanitize(reason)}
	}
	if f.Version == 0 && len(f.Profiles) == 0 && len(bytes.TrimSpace(data)) == 0 {
		f.Version = FormatVersion
	}
	if f.Version != FormatVersion {
		return nil, &ParseError{Path: path, Line: 1, Reason: fmt.Sprintf("format version %d is not one this tokenbench reads (%d)", f.Version, FormatVersion)}
	}
	if err := checkAll(f.Profiles); err != nil {
		return nil, &ParseError{Path: path, Reason: err.Error()}
	}
	return &f, nil
}

// splitYAMLError takes "yaml: line 3: reason" apart. (No regexp: it would
// be compiled at the start of every command.)
func splitYAMLError(err error) (string, int) {
	reason := strings.TrimPrefix(err.Error(), "yaml: ")
	// Type errors come as "unmarshal errors:\n  line 4: …" (one per line);
	// the first says enough.
	reason = strings.TrimSpace(strings.TrimPrefix(reason, "unmarshal errors:"))
	reason, _, _ = strings.Cut(reason, "\n")
	rest, ok := strings.CutPrefix(reason, "line ")
	if !ok {
		return reason, 0
	}
	num, after, ok := strings.Cut(rest, ":")
	line, convErr := strconv.Atoi(num)
	if !ok || convErr != nil {
		return reason, 0
	}
	return strings.TrimSpace(after), line
}

// checkAll validates every profile and that names are unique.
func checkAll(ps []Profile) error {
	seen := map[string]bool{}
	for _, p := range ps {
		if err := p.check(); err != nil {
			return fmt.Errorf("profile %q: %w", textsafe.Sanitize(p.Name), err)
		}
		if seen[p.Name] {
			return fmt.Errorf("%w: profile %q appears twice", ErrExists, p.Name)
		}
		seen[p.Name] = true
	}
	return nil
}

// lockTimeout bounds the wait for another instance's write.
const lockTimeout = 10 * time.Second

// Update runs fn on the profiles under an exclusive file lock and writes
// the result atomically (temp file, fsync, rename) with mode 0600 in a 0700
// directory. A file that cannot be parsed is never written over.
func (s *Store) Update(fn func(ps []Profile) ([]Profile, error)) error {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	_ = os.Chmod(s.Dir, 0o700)
	return s.locked(func() error {
		f, err := s.read()
		if err != nil {
			return err
		}
		ps, err := fn(append([]Profile(nil), f.Profiles...))
		if err != nil {
			return err
		}
		sort.SliceStable(ps, func(i, j int) bool { return strings.ToLower(ps[i].Name) < strings.ToLower(ps[j].Name) })
		// Never write a file that would not load again.
		if err := checkAll(ps); err != nil {
			return err
		}
		if err := s.markNew(); err != nil {
			return fmt.Errorf("naming this directory's keyring secrets: %w", err)
		}
		return s.write(&file{Version: FormatVersion, Profiles: ps})
	})
}

// locked runs fn holding the store's lock file.
func (s *Store) locked(fn func() error) error {
	lock := flock.New(s.lockPath())
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := lock.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		return fmt.Errorf("profiles are locked by another tokenbench (%s): %v", s.lockPath(), err)
	}
	defer lock.Unlock()
	s.removeStaleTemps()
	return fn()
}

// tryLocked runs fn holding the store's lock when it is free now, and
// does nothing otherwise.
func (s *Store) tryLocked(fn func() error) error {
	lock := flock.New(s.lockPath())
	ok, err := lock.TryLock()
	if err != nil || !ok {
		return err
	}
	defer lock.Unlock()
	s.removeStaleTemps()
	return fn()
}

func (s *Store) write(f *file) error {
	var buf bytes.Buffer
	buf.WriteString("# tokenbench profiles. No secrets here: they live in the OS keyring\n# or where each profile's 'secrets' says.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("encoding profiles: %w", err)
	}
	// Mode 0600 from the start, whatever the old file's mode was.
	if err := atomicfile.WriteFile(s.Path(), buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("writing profiles: %w", err)
	}
	return nil
}

// Add saves a new profile.
func (s *Store) Add(p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.Update(func(ps []Profile) ([]Profile, error) {
		for _, q := range ps {
			if q.Name == p.Name {
				return nil, fmt.Errorf("%w: %q", ErrExists, p.Name)
			}
		}
		return append(ps, p), nil
	})
}

// Put replaces the profile called name with p (a rename when the names
// differ).
func (s *Store) Put(name string, p Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.Update(func(ps []Profile) ([]Profile, error) {
		idx := -1
		for i, q := range ps {
			if q.Name == name {
				idx = i
			} else if q.Name == p.Name {
				return nil, fmt.Errorf("%w: %q", ErrExists, p.Name)
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		ps[idx] = p
		return ps, nil
	})
}

// Remove deletes a profile from the file (not its secrets: see
// Secrets.DeleteAll).
func (s *Store) Remove(name string) error {
	return s.Update(func(ps []Profile) ([]Profile, error) {
		for i, q := range ps {
			if q.Name == name {
				return append(ps[:i], ps[i+1:]...), nil
			}
		}
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	})
}

// Export writes the profiles as a document to share; it never holds
// secrets, as the profiles file never does.
func Export(ps []Profile) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&file{Version: FormatVersion, Profiles: ps}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ParseExport reads a document written by Export.
func ParseExport(name string, data []byte) ([]Profile, error) {
	f, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	return f.Profiles, nil
}

// WithProfileLock runs fn holding a lock of the profile called name alone,
// so that two tokenbench processes never spend the same refresh token at
// once (a server that rotates refresh tokens accepts only the first), nor
// save one name at once. The lock is a file of its own under .locks/,
// never removed (removing a file another process holds locked would let a
// third lock a new one); fn may take the store's lock without deadlocking.
func (s *Store) WithProfileLock(ctx context.Context, name string, fn func() error) error {
	if !validName(name) {
		return fmt.Errorf("%w: profile name %q", client.ErrInvalidInput, textsafe.Sanitize(name))
	}
	dir := filepath.Join(s.Dir, ".locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	path := filepath.Join(dir, "profile-"+name) // a name may be ".."
	lock := flock.New(path)
	ctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	ok, err := lock.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		return fmt.Errorf("profile %s is in use by another tokenbench (%s): %v", name, path, err)
	}
	defer lock.Unlock()
	return fn()
}
