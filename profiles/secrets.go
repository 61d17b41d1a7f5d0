package profiles

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
	"gopkg.in/yaml.v3"

	"github.com/tokenbench/tokenbench/atomicfile"
	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Kind names a secret a profile may need.
type Kind string

// The secret kinds.
const (
	ClientSecret Kind = "client_secret"
	Password     Kind = "password"
	Bearer       Kind = "bearer"
	RefreshToken Kind = "refresh_token"
	// Tokens is the last token response, kept across restarts when the
	// profile opts in (keyring only).
	Tokens Kind = "tokens"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{ClientSecret, Password, Bearer, RefreshToken, Tokens}

func (k Kind) valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// Source says where a secret comes from: "keyring" (the default), "file"
// (the plain 0600 secrets file, only when the user opted in), "env:NAME",
// "cmd:COMMAND" (its stdout, e.g. a password manager), or "ask".
type Source string

// The fixed sources.
const (
	SourceKeyring Source = "keyring"
	SourceFile    Source = "file"
	SourceAsk     Source = "ask"
)

// Validate checks the source's form.
func (s Source) Validate() error {
	switch {
	case s == SourceKeyring, s == SourceFile, s == SourceAsk:
	case strings.HasPrefix(string(s), "env:") && len(s) > 4:
	case strings.HasPrefix(string(s), "cmd:") && len(strings.TrimSpace(string(s[4:]))) > 0:
	default:
		return fmt.Errorf("%w: secret source %q is not keyring, env:NAME, cmd:COMMAND or ask", client.ErrInvalidInput, textsafe.Sanitize(string(s)))
	}
	return nil
}

// CheckSource checks one secret kind and its source.
func CheckSource(k Kind, src Source) error {
	if !k.valid() || k == Tokens {
		return fmt.Errorf("%w: unknown secret kind %q (client_secret, password, bearer, refresh_token)", client.ErrInvalidInput, textsafe.Sanitize(string(k)))
	}
	return src.Validate()
}

// Stored reports whether the secret's value is kept by tokenbench (as
// opposed to read from elsewhere each time).
func (s Source) Stored() bool { return s == SourceKeyring || s == SourceFile }

// NoKeyringHint is what to do where no OS keyring answers, said by every
// error about it.
const NoKeyringHint = "Use --insecure-storage to keep secrets in a 0600 file beside the profiles, or a source like env:NAME or cmd:COMMAND"

var (
	// ErrNoKeyring means the OS keyring cannot be used here.
	ErrNoKeyring = errors.New("no OS keyring available")
	// ErrAsk means the profile wants the user asked each time.
	ErrAsk = errors.New("the secret is asked for each time")
	// ErrNotSet means no value is stored for the secret.
	ErrNotSet = errors.New("secret not set")
)

// Keyring is the part of an OS keyring the store uses.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// OSKeyring is go-keyring with every call bounded: a locked keyring that
// shows a D-Bus prompt, or none at all, must not hang the app.
type OSKeyring struct{ Timeout time.Duration }

func (k OSKeyring) call(op string, fn func() (string, error)) (string, error) {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := fn()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil && !errors.Is(r.err, keyring.ErrNotFound) {
			return "", fmt.Errorf("%w: keyring %s: %s", ErrNoKeyring, op, textsafe.Sanitize(r.err.Error()))
		}
		return r.s, r.err
	case <-time.After(timeout):
		return "", fmt.Errorf("%w: the keyring did not answer within %s (locked, or no Secret Service running)", ErrNoKeyring, timeout)
	}
}

// Get implements Keyring.
func (k OSKeyring) Get(service, user string) (string, error) {
	return k.call("read", func() (string, error) { return keyring.Get(service, user) })
}

// Set implements Keyring.
func (k OSKeyring) Set(service, user, secret string) error {
	_, err := k.call("write", func() (string, error) { return "", keyring.Set(service, user, secret) })
	return err
}

// Delete implements Keyring.
func (k OSKeyring) Delete(service, user string) error {
	_, err := k.call("delete", func() (string, error) { return "", keyring.Delete(service, user) })
	return err
}

// KeyringService is the service name secrets are stored under.
const KeyringService = "tokenbench"

// SecretsFileName is the plain-text fallback beside the profiles file.
const SecretsFileName = "secrets.yaml"

// Secrets reads and writes the secrets of profiles.
type Secrets struct {
	Store   *Store
	Keyring Keyring
	Getenv  func(string) string
	// CmdTimeout bounds a cmd: source (default 15 s).
	CmdTimeout time.Duration
	// DefaultDir is the config directory older versions used when none was
	// named (DefaultDir): the one directory that takes their keyring items
	// on its own. "" lets no directory take them but by AdoptLegacy.
	DefaultDir string

	idMu   sync.Mutex
	id     string // the directory's keyring id, once read
	legacy bool   // the directory may take items older versions named by profile
	copyOf string // the directory this one was copied from, when it was
}

// NewSecrets returns the secret store beside store, on the OS keyring.
func NewSecrets(store *Store) *Secrets {
	def, _ := DefaultDir(os.Getenv)
	return &Secrets{Store: store, Keyring: OSKeyring{}, Getenv: os.Getenv, DefaultDir: def}
}

// SourceOf is where a profile's secret of kind k comes from ("" when the
// profile does not name one).
func SourceOf(p Profile, k Kind) Source {
	if k == Tokens && p.KeepTokens {
		return SourceKeyring // tokens are kept in the keyring or not at all
	}
	return p.Secrets[k]
}

// StoreFor is where a new value of p's secret k is kept when the user
// does not say (the CLI's --update-secrets, a secret typed in the TUI's
// form): where p keeps that secret now, when it keeps it (an edit never
// moves a secret); for a secret p does not keep yet, where p keeps its
// other secrets when that is the plain file and only the file; otherwise
// the keyring. One rule for the CLI and the TUI.
func StoreFor(p Profile, k Kind) Source {
	if src := p.Secrets[k]; src.Stored() {
		return src
	}
	file, keyring := false, false
	for _, src := range p.Secrets {
		file = file || src == SourceFile
		keyring = keyring || src == SourceKeyring
	}
	if file && !keyring {
		return SourceFile
	}
	return SourceKeyring
}

// Get returns the secret of kind k for p, from wherever p says.
func (s *Secrets) Get(ctx context.Context, p Profile, k Kind) (string, error) {
	src := SourceOf(p, k)
	if src != "" && src != SourceAsk {
		// A file others can change names what runs and where this goes.
		if err := s.Store.CheckTrust(); err != nil {
			return "", err
		}
	}
	switch {
	case src == "":
		return "", fmt.Errorf("%w: profile %s has no %s", ErrNotSet, p.Name, k)
	case src == SourceAsk:
		return "", ErrAsk
	case src == SourceKeyring:
		id, err := s.keyringID()
		if err != nil {
			return "", err
		}
		v, err := s.Keyring.Get(KeyringService, keyringUser(id, p.Name, k))
		if errors.Is(err, keyring.ErrNotFound) && s.legacyOK() {
			// Kept by an older version under the profile's name alone.
			v, err = s.takeLegacy(id, p.Name, k)
		}
		if errors.Is(err, keyring.ErrNotFound) {
			return "", fmt.Errorf("%w: no %s for profile %s in the keyring%s", ErrNotSet, k, p.Name, s.copyNote()+s.legacyNote(p.Name, k))
		}
		return v, err
	case src == SourceFile:
		all, err := s.readFile()
		if err != nil {
			return "", err
		}
		v, ok := all[p.Name][string(k)]
		if !ok {
			return "", fmt.Errorf("%w: no %s for profile %s in %s", ErrNotSet, k, p.Name, s.filePath())
		}
		return v, nil
	case strings.HasPrefix(string(src), "env:"):
		name := string(src[4:])
		v := FirstLine(s.Getenv(name))
		if v == "" {
			return "", fmt.Errorf("%w: $%s is empty (profile %s takes its %s from it)", ErrNotSet, name, p.Name, k)
		}
		return v, nil
	case strings.HasPrefix(string(src), "cmd:"):
		return s.runCmd(ctx, strings.TrimSpace(string(src[4:])), p.Name, k)
	}
	return "", src.Validate()
}

func (s *Secrets) runCmd(ctx context.Context, command, profile string, k Kind) (string, error) {
	timeout := s.CmdTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// Never the command's stdout: it may hold part of the secret.
		return "", fmt.Errorf("the %s command of profile %s failed: %v: %s", k, profile, err, textsafe.Excerpt(stderr.Bytes(), 120))
	}
	v := FirstLine(string(out))
	if v == "" {
		return "", fmt.Errorf("%w: the %s command of profile %s printed nothing on its first line", ErrNotSet, k, profile)
	}
	return v, nil
}

// FirstLine is the secret in what a command, a file or stdin gave: its
// first line without the line ending. Password managers print the secret
// first and metadata after it (`pass show` does), and a piped stdin may
// hold the MFA code on its next line. Spaces are kept: they can be part
// of a password, and changing a secret silently is never right.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r")
}

// Put stores the secret of kind k for p where p says (keyring or file).
// Sources that are read from elsewhere store nothing.
func (s *Secrets) Put(p Profile, k Kind, value string) error {
	switch SourceOf(p, k) {
	case SourceKeyring:
		id, err := s.keyringID()
		if err != nil {
			return err
		}
		if err := s.Keyring.Set(KeyringService, keyringUser(id, p.Name, k), value); err != nil {
			if errors.Is(err, ErrNoKeyring) {
				return fmt.Errorf("%w; nothing was saved in plain text. %s", err, NoKeyringHint)
			}
			return err
		}
		return nil
	case SourceFile:
		return s.updateFile(func(all map[string]map[string]string) {
			if all[p.Name] == nil {
				all[p.Name] = map[string]string{}
			}
			all[p.Name][string(k)] = value
		})
	}
	return nil
}

// Delete removes the stored secret of kind k of p from where p keeps it.
func (s *Secrets) Delete(p Profile, k Kind) error {
	switch SourceOf(p, k) {
	case SourceKeyring:
		id, err := s.keyringID()
		if err != nil {
			return err
		}
		err = s.Keyring.Delete(KeyringService, keyringUser(id, p.Name, k))
		if errors.Is(err, keyring.ErrNotFound) {
			err = nil
		}
		return err
	case SourceFile:
		return s.updateFileIfExists(func(all map[string]map[string]string) {
			delete(all[p.Name], string(k))
			if len(all[p.Name]) == 0 {
				delete(all, p.Name)
			}
		})
	}
	return nil
}

// DeleteAll removes every secret a profile stores, asking only the stores
// the profile could have used. Kept tokens live only in the keyring: where
// none answers, they were never kept there, so a missing keyring is no
// error for a profile whose secrets are elsewhere (in the file, env:, cmd:
// or asked); it is one when a secret of the profile is in the keyring.
// (session's save follows the same rule for what an edit leaves behind.)
func (s *Secrets) DeleteAll(p Profile) error {
	usesKeyring := false
	for _, k := range Kinds {
		usesKeyring = usesKeyring || (k != Tokens && SourceOf(p, k) == SourceKeyring)
	}
	var errs []error
	for _, k := range Kinds {
		err := s.Delete(p, k)
		if k == Tokens && !usesKeyring && errors.Is(err, ErrNoKeyring) {
			err = nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Rename moves stored secrets from one profile name to another. It refuses
// (ErrExists), touching nothing, when a profile has that name: moving would
// write over its secrets.
//
// Prefer session.Service.Rename and Update: they rename transactionally
// (secrets, file, then the old secrets), and undo on failure.
func (s *Secrets) Rename(p Profile, newName string) error {
	if _, err := s.Store.Get(newName); err == nil {
		return fmt.Errorf("%w: %q; nothing was changed", ErrExists, newName)
	}
	moved := p
	moved.Name = newName
	for _, k := range Kinds {
		if !SourceOf(p, k).Stored() {
			continue
		}
		v, err := s.Get(context.Background(), p, k)
		if errors.Is(err, ErrNotSet) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.Put(moved, k, v); err != nil {
			return err
		}
		if err := s.Delete(p, k); err != nil {
			return err
		}
	}
	return nil
}

// UsesFile reports whether any profile keeps secrets in the plain file.
func UsesFile(ps []Profile) bool {
	for _, p := range ps {
		for _, src := range p.Secrets {
			if src == SourceFile {
				return true
			}
		}
	}
	return false
}

func (s *Secrets) filePath() string { return filepath.Join(s.Store.Dir, SecretsFileName) }

// FileExists reports whether the plain secrets file (or its journal)
// exists.
func (s *Secrets) FileExists() bool {
	_, err := os.Stat(s.filePath())
	_, jerr := os.Stat(s.journalPath())
	return err == nil || jerr == nil
}

// LooseFileError is a plain-text secrets file that group or others can
// read. Like ssh with a private key, tokenbench refuses to use it until the
// mode is fixed: the secrets in it must be taken as seen by others, and
// using them silently would hide that.
type LooseFileError struct {
	Path string
	Mode fs.FileMode
}

func (e *LooseFileError) Error() string {
	return fmt.Sprintf("secrets file %s can be read by others (mode %04o); it is not used until you run: chmod 600 %s (and consider its secrets seen)",
		e.Path, e.Mode.Perm(), shellQuote(e.Path))
}

// shellQuote quotes a path for a command the user copies, when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// CheckFile returns a *LooseFileError when the plain secrets file exists
// and others can read it, nil otherwise.
func (s *Secrets) CheckFile() error {
	for _, path := range []string{s.filePath(), s.journalPath()} {
		if fi, err := os.Stat(path); err == nil && looseMode(fi) {
			return &LooseFileError{Path: path, Mode: fi.Mode()}
		}
	}
	return nil
}

// readFile reads the plain secrets: the secrets file, then the journals of
// rotated refresh tokens replayed over it.
func (s *Secrets) readFile() (map[string]map[string]string, error) {
	all, data, err := s.readBase()
	if err != nil {
		return nil, err
	}
	replayed, _ := s.journals(foldedIn(data))
	for _, path := range replayed {
		if err := replay(path, all); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// readBase reads the secrets file alone, and its bytes.
func (s *Secrets) readBase() (map[string]map[string]string, []byte, error) {
	f, err := os.Open(s.filePath())
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]map[string]string{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading secrets file: %w", err)
	}
	defer f.Close()
	// The mode of the file that is read, not of whatever is at the path now.
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("reading secrets file: %w", err)
	}
	if looseMode(fi) {
		return nil, nil, &LooseFileError{Path: s.filePath(), Mode: fi.Mode()}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, fmt.Errorf("reading secrets file: %w", err)
	}
	all := map[string]map[string]string{}
	if err := yaml.Unmarshal(data, &all); err != nil {
		// The message of a YAML error can quote the file: keep it out.
		return nil, nil, fmt.Errorf("secrets file %s cannot be parsed; it was left as it is", s.filePath())
	}
	if all == nil {
		all = map[string]map[string]string{}
	}
	return all, data, nil
}

func (s *Secrets) updateFileIfExists(fn func(map[string]map[string]string)) error {
	if !s.FileExists() {
		return nil
	}
	return s.updateFile(fn)
}

func (s *Secrets) updateFile(fn func(map[string]map[string]string)) error {
	if err := os.MkdirAll(s.Store.Dir, 0o700); err != nil {
		return err
	}
	return s.Store.locked(func() error { return s.rewrite(fn) })
}

// rewrite writes the secrets file anew with fn applied, folding in the
// journals of rotated refresh tokens; the caller holds the store's lock.
// Records appended while it runs go to a new journal, replayed after it.
func (s *Secrets) rewrite(fn func(map[string]map[string]string)) error {
	taken, takenID, err := s.takeJournal()
	if err != nil {
		return err
	}
	if taken != nil {
		defer taken.Close()
	}
	all, data, err := s.readBase()
	if err != nil {
		return err
	}
	folded := foldedIn(data)
	replayed, stale := s.journals(folded)
	replayed = replayed[:len(replayed)-1] // not the live one: it is newer than fn
	for _, path := range replayed {
		if err := replay(path, all); err != nil {
			return err
		}
		folded = max(folded, strings.TrimPrefix(filepath.Base(path), JournalFileName+"."))
	}
	if takenID != "" {
		folded = max(folded, takenID)
	}
	fn(all)
	body, err := yaml.Marshal(all)
	if err != nil {
		return err
	}
	header := "# tokenbench secrets in PLAIN TEXT, chosen with --insecure-storage.\n# Anyone who can read this file can use these credentials.\n"
	if folded != "" {
		header += foldedPrefix + folded + "\n"
	}
	if err := atomicfile.WriteFile(s.filePath(), append([]byte(header), body...), 0o600); err != nil {
		return fmt.Errorf("writing secrets file: %w", err)
	}
	// Folded: the journals may go (closed first: Windows removes no open
	// file).
	if taken != nil {
		taken.Close()
	}
	for _, path := range append(stale, replayed...) {
		_ = os.Remove(path)
	}
	return nil
}

// journalFoldSize is the journal's size past which a rotation folds it into
// the secrets file, after its own record is durable, when the store's lock
// is free at once.
const journalFoldSize = 64 << 10

// StoreRotated saves a refresh token that the server replaced, before the
// new access token is handed out: the server spent the old one, so losing
// this one would lock the profile out. It waits for nothing but the disk
// (the caller holds p's profile lock, which keeps other writers of this
// secret out): in the plain file's case one record appended to the
// journal and fsynced, in the keyring's one write of its item.
func (s *Secrets) StoreRotated(p Profile, newRefreshToken string) error {
	switch SourceOf(p, RefreshToken) {
	case SourceFile:
		if err := s.appendJournal(p.Name, RefreshToken, newRefreshToken); err != nil {
			return fmt.Errorf("writing secrets file: %w", err)
		}
		if fi, err := os.Stat(s.journalPath()); err == nil && fi.Size() > journalFoldSize {
			_ = s.Store.tryLocked(func() error { return s.rewrite(func(map[string]map[string]string) {}) })
		}
		return nil
	case SourceKeyring:
		return s.Put(p, RefreshToken, newRefreshToken)
	}
	return nil
}

// KeptTokens is what a keep_tokens profile keeps in the keyring.
type KeptTokens struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// KeepTokens saves tokens for a keep_tokens profile.
func (s *Secrets) KeepTokens(p Profile, t KeptTokens) error {
	if !p.KeepTokens {
		return nil
	}
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return s.Put(p, Tokens, string(data))
}

// KeptTokens reads what a keep_tokens profile kept; ErrNotSet when nothing.
func (s *Secrets) KeptTokens(ctx context.Context, p Profile) (KeptTokens, error) {
	var t KeptTokens
	if !p.KeepTokens {
		return t, ErrNotSet
	}
	raw, err := s.Get(ctx, p, Tokens)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal([]byte(raw), &t); err != nil || t.AccessToken == "" {
		return t, fmt.Errorf("%w: the kept tokens of %s are unreadable", ErrNotSet, p.Name)
	}
	return t, nil
}
