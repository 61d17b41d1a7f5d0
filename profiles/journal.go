package profiles

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// JournalFileName is the append-only journal of rotated refresh tokens
// beside the plain secrets file.
//
// A server that rotates refresh tokens spends the old one when it answers:
// from then on the new one exists only in this process until it is on
// disk. Rewriting the whole secrets file (read, encode, temp file, fsync,
// rename) under the store's lock put each rotation behind every other
// profile's, and a kill in that queue lost tokens (16 of 25 kills in the
// issue's measurement). A rotation is instead one record appended to this
// file with a single write and an fsync, under a shared lock that other
// appenders do not wait for: the shortest path to stable storage. Reads
// replay the journal over the secrets file; the next rewrite of the
// secrets file (under the store's lock) folds it in.
//
// Per-profile files were the other choice: each rotation would be a temp
// file, an fsync, a rename and an fsync of the directory (two fsyncs, not
// one), one more plain-text file per profile, and names that must survive
// case-insensitive file systems.
const JournalFileName = "secrets.journal"

// journalRecord is one line of the journal: "crc32 json\n". The checksum
// finds a record cut by a crash; replay skips it.
type journalRecord struct {
	Profile string `json:"p"`
	Kind    Kind   `json:"k"`
	Value   string `json:"v"`
}

// foldedPrefix starts the line of the secrets file that names the newest
// journal folded into it: a crash after the rewrite and before the folded
// journal is removed must not replay it over newer values.
const foldedPrefix = "# folded journal: "

func (s *Secrets) journalPath() string { return filepath.Join(s.Store.Dir, JournalFileName) }

func encodeRecord(r journalRecord) ([]byte, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%08x %s\n", crc32.ChecksumIEEE(data), data), nil
}

// appendJournal makes one secret durable: a single write of a record at
// the end of the journal, then fsync. It waits for no other writer: a
// shared lock keeps out only a fold of the journal (which renames the file
// away before it waits for appenders to finish).
func (s *Secrets) appendJournal(profile string, k Kind, value string) error {
	rec, err := encodeRecord(journalRecord{Profile: profile, Kind: k, Value: value})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Store.Dir, 0o700); err != nil {
		return fmt.Errorf("config directory: %w", err)
	}
	path := s.journalPath()
	for range 100 {
		fi, statErr := os.Lstat(path)
		created := errors.Is(statErr, fs.ErrNotExist)
		if statErr == nil && !fi.Mode().IsRegular() {
			// A link planted in a shared directory would take the
			// record (a live refresh token) wherever it points.
			return fmt.Errorf("writing %s: it is not a regular file (a link?); nothing was written to it", path)
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		again, err := appendLocked(f, path, rec)
		f.Close()
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if again {
			continue // a fold renamed it meanwhile: append to the new one
		}
		if created {
			// The journal's name must survive a power cut as its record does.
			if d, err := os.Open(s.Store.Dir); err == nil {
				_ = d.Sync()
				d.Close()
			}
		}
		return nil
	}
	return fmt.Errorf("writing %s: it kept being replaced", path)
}

// appendLocked writes rec to f under a shared lock when f is still the
// file at path; again when it is not (a fold took it).
func appendLocked(f *os.File, path string, rec []byte) (again bool, err error) {
	if err := lockFile(f, false); err != nil {
		return false, err
	}
	defer unlockFile(f)
	held, err := f.Stat()
	if err != nil {
		return false, err
	}
	now, err := os.Lstat(path)
	if err != nil || !os.SameFile(held, now) {
		return true, nil
	}
	if looseMode(held) {
		return false, &LooseFileError{Path: path, Mode: held.Mode()}
	}
	if n := held.Size(); n > 0 {
		// A record a power cut left without its line end would swallow
		// this one: start on a line of its own.
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, n-1); err == nil && last[0] != '\n' {
			rec = append([]byte("\n"), rec...)
		}
	}
	if _, err := f.Write(rec); err != nil {
		return false, err
	}
	return false, f.Sync()
}

// journals lists the journal files to replay after a secrets file that
// folded the one named folded: journals a fold renamed and did not remove
// (a crash), oldest first, then the live journal.
func (s *Secrets) journals(folded string) ([]string, []string) {
	entries, err := os.ReadDir(s.Store.Dir)
	if err != nil {
		return nil, nil
	}
	var replay, stale []string
	for _, e := range entries {
		id, ok := strings.CutPrefix(e.Name(), JournalFileName+".")
		if !ok || !validJournalID(id) {
			continue
		}
		if id <= folded {
			stale = append(stale, filepath.Join(s.Store.Dir, e.Name()))
		} else {
			replay = append(replay, filepath.Join(s.Store.Dir, e.Name()))
		}
	}
	slices.Sort(replay) // ids sort as times
	return append(replay, s.journalPath()), stale
}

func validJournalID(id string) bool {
	if len(id) != 20 {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// newJournalID names a journal a fold takes: the time, or one past the
// newest journal a crashed fold left when the clock went back, so that
// replay order stays the order of the records.
func (s *Secrets) newJournalID() string {
	id := uint64(time.Now().UnixNano())
	left, _ := s.journals("")
	for _, path := range left[:len(left)-1] {
		var n uint64
		if _, err := fmt.Sscanf(strings.TrimPrefix(filepath.Base(path), JournalFileName+"."), "%d", &n); err == nil && n >= id {
			id = n + 1
		}
	}
	return fmt.Sprintf("%020d", id)
}

// replay applies the records of the journal at path to all; a record cut
// by a crash (no newline, or a checksum that does not match) ends it.
func replay(path string, all map[string]map[string]string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading secrets journal: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading secrets journal: %w", err)
	}
	if looseMode(fi) {
		return &LooseFileError{Path: path, Mode: fi.Mode()}
	}
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return nil // the end, or a last record cut short
		}
		sum, data, ok := bytes.Cut(bytes.TrimSuffix(line, []byte("\n")), []byte(" "))
		var want uint32
		if !ok || len(sum) != 8 {
			continue
		}
		if _, err := fmt.Sscanf(string(sum), "%08x", &want); err != nil || crc32.ChecksumIEEE(data) != want {
			continue
		}
		var rec journalRecord
		if json.Unmarshal(data, &rec) != nil || rec.Profile == "" || !rec.Kind.valid() {
			continue
		}
		if all[rec.Profile] == nil {
			all[rec.Profile] = map[string]string{}
		}
		all[rec.Profile][string(rec.Kind)] = rec.Value
	}
}

// foldedIn reads the id of the journal the secrets file data folded.
func foldedIn(data []byte) string {
	for line := range bytes.Lines(data) {
		if !bytes.HasPrefix(line, []byte("#")) {
			break
		}
		if id, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte(foldedPrefix)); ok && validJournalID(string(id)) {
			return string(id)
		}
	}
	return ""
}

// takeJournal renames the live journal away for a fold and waits until
// no appender is still writing to it. It returns the renamed file, locked
// (nil when there is no journal); the caller closes it.
func (s *Secrets) takeJournal() (*os.File, string, error) {
	path := s.journalPath()
	id := s.newJournalID()
	taken := path + "." + id
	var err error
	// On Windows a journal open for an append cannot be renamed; an append
	// takes milliseconds.
	for range 200 {
		if err = os.Rename(path, taken); err == nil || errors.Is(err, fs.ErrNotExist) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("folding the secrets journal: %w", err)
	}
	f, err := os.Open(taken)
	if err != nil {
		return nil, "", fmt.Errorf("folding the secrets journal: %w", err)
	}
	if err := lockFile(f, true); err != nil {
		f.Close()
		return nil, "", fmt.Errorf("folding the secrets journal: %w", err)
	}
	return f, id, nil
}
