package session

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/textsafe"
)

// Create saves a new profile with the secrets given. A name that exists is
// refused (profiles.ErrExists) before anything is written.
func (s *Service) Create(ctx context.Context, p profiles.Profile, values Values) error {
	return s.save(ctx, "", p, values, "profile "+p.Name+" added")
}

// Update saves an edited profile over the one called name; when p.Name
// differs it is a rename, refused (profiles.ErrExists) before anything is
// written when p.Name is taken. Secrets not given in values are carried
// over from the old name or source.
func (s *Service) Update(ctx context.Context, name string, p profiles.Profile, values Values) error {
	done := "profile " + p.Name + " saved"
	if name != p.Name {
		done = "profile " + name + " renamed to " + p.Name
	}
	if name == "" {
		return fmt.Errorf("%w: no profile name to update", client.ErrInvalidInput)
	}
	return s.save(ctx, name, p, values, done)
}

// Rename renames a profile and moves its stored secrets.
func (s *Service) Rename(ctx context.Context, from, to string) error {
	p, err := s.Profile(from)
	if err != nil {
		return err
	}
	p.Name = to
	return s.Update(ctx, from, p, nil)
}

// Duplicate saves a copy of the profile called from as to, with copies of
// the secrets from stores (a duplicate must not lose its client secret).
// Kept tokens are not copied: they belong to the profile that got them.
func (s *Service) Duplicate(ctx context.Context, from, to string) error {
	src, err := s.Profile(from)
	if err != nil {
		return err
	}
	values := Values{}
	for _, k := range profiles.Kinds {
		if k == profiles.Tokens || !profiles.SourceOf(src, k).Stored() {
			continue
		}
		v, err := s.Secrets.Get(ctx, src, k)
		switch {
		case errors.Is(err, profiles.ErrNotSet):
			continue
		case err != nil:
			return fmt.Errorf("reading the %s of %s: %w", k, from, err)
		}
		values[k] = v
	}
	dup := src
	dup.Name = to
	dup.Secrets = make(map[profiles.Kind]profiles.Source, len(src.Secrets))
	for k, v := range src.Secrets {
		dup.Secrets[k] = v
	}
	return s.save(ctx, "", dup, values, "profile "+from+" duplicated as "+to)
}

// Delete removes a profile, then every secret it stores.
func (s *Service) Delete(ctx context.Context, name string) error {
	f, err := s.files()
	if err != nil {
		return err
	}
	return s.lockNames(ctx, []string{name}, func() error {
		p, err := s.Profile(name)
		if err != nil {
			return err
		}
		if err := f.Remove(name); err != nil {
			return err
		}
		s.Forget(name)
		if err := s.Secrets.DeleteAll(p); err != nil {
			return &CleanupError{Done: "profile " + name + " deleted", Err: err}
		}
		return nil
	})
}

// secretWrite is one secret written by a save, with what to put back when
// the save is undone.
type secretWrite struct {
	kind    profiles.Kind
	value   string
	prev    string
	hadPrev bool
}

// save is every profile change: check, write the new secrets, write the
// file, then delete what the old name or old source kept. oldName is ""
// for a new profile.
func (s *Service) save(ctx context.Context, oldName string, p profiles.Profile, values Values, done string) error {
	f, err := s.files()
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	// The names' profile locks are held throughout: another tokenbench
	// taking the same name meanwhile, or storing a rotated refresh token
	// under the old one, waits for this save to end.
	return s.lockNames(ctx, []string{oldName, p.Name}, func() error {
		return s.saveLocked(ctx, f, oldName, p, values, done)
	})
}

// lockNames runs fn holding the profile locks of names (in sorted order,
// so two saves never wait for each other in a circle; the store's lock is
// only ever taken inside them).
func (s *Service) lockNames(ctx context.Context, names []string, fn func() error) error {
	sorted := slices.Compact(slices.Sorted(slices.Values(names)))
	var lock func(i int) error
	lock = func(i int) error {
		switch {
		case i == len(sorted):
			return fn()
		case sorted[i] == "":
			return lock(i + 1)
		}
		return s.Store.WithProfileLock(ctx, sorted[i], func() error { return lock(i + 1) })
	}
	return lock(0)
}

func (s *Service) saveLocked(ctx context.Context, f profileFile, oldName string, p profiles.Profile, values Values, done string) error {
	// 1. Check, touching nothing.
	ps, err := f.Load()
	if err != nil {
		return err
	}
	var old profiles.Profile
	if oldName != "" {
		var ok bool
		if old, ok = findProfile(ps, oldName); !ok {
			return fmt.Errorf("%w: %q", profiles.ErrNotFound, textsafe.Sanitize(oldName))
		}
	}
	if p.Name != oldName {
		if _, taken := findProfile(ps, p.Name); taken {
			return fmt.Errorf("%w: %q; nothing was changed", profiles.ErrExists, p.Name)
		}
	}
	renamed := oldName != "" && oldName != p.Name
	// What moves: a stored secret the old name or source keeps, unless a
	// new value was given.
	moves := func(k profiles.Kind) bool {
		src := profiles.SourceOf(old, k)
		return oldName != "" && src.Stored() && (renamed || profiles.SourceOf(p, k) != src)
	}
	// Kept tokens live only in the keyring: where there is none, they are
	// not there to move (nor is that an error: the profile gets a new token
	// when next run), and the delete of the old ones below fails the same
	// way without leaving anything behind. A keyring that answered for
	// another secret of this save is there, and its failure stops the save.
	keptUnreadable, keyringAnswered := false, false
	var plan []secretWrite
	for _, k := range profiles.Kinds {
		stored := profiles.SourceOf(p, k).Stored()
		if v := values[k]; v != "" && stored {
			plan = append(plan, secretWrite{kind: k, value: v})
			continue
		}
		// The old kept tokens are read even when they will not be kept:
		// whether they can be is what their delete below needs to know.
		if !moves(k) || (!stored && k != profiles.Tokens) {
			continue
		}
		v, err := s.Secrets.Get(ctx, old, k)
		if profiles.SourceOf(old, k) == profiles.SourceKeyring && (err == nil || errors.Is(err, profiles.ErrNotSet)) {
			keyringAnswered = true
		}
		switch {
		case errors.Is(err, profiles.ErrNotSet):
			continue
		case k == profiles.Tokens && !keyringAnswered && errors.Is(err, profiles.ErrNoKeyring):
			keptUnreadable = true
			continue
		case err != nil:
			return fmt.Errorf("reading the %s of %s: %w; nothing was changed", k, oldName, err)
		}
		if stored {
			plan = append(plan, secretWrite{kind: k, value: v})
		}
	}
	// What the profile held where a secret is overwritten, to put back on
	// undo. (A new name or source held nothing of this profile: undo
	// deletes there.)
	for i := range plan {
		k := plan[i].kind
		if oldName != p.Name || profiles.SourceOf(old, k) != profiles.SourceOf(p, k) {
			continue
		}
		prev, err := s.Secrets.Get(ctx, p, k)
		switch {
		case err == nil:
			plan[i].prev, plan[i].hadPrev = prev, true
		case !errors.Is(err, profiles.ErrNotSet):
			return fmt.Errorf("reading the %s of %s: %w; nothing was changed", plan[i].kind, p.Name, err)
		}
	}
	if err := ctxErr(ctx); err != nil {
		return err
	}

	// 2. The new secrets.
	var written []secretWrite
	undo := func(cause error) error {
		var errs []error
		for i := len(written) - 1; i >= 0; i-- {
			w := written[i]
			if w.hadPrev {
				errs = append(errs, s.Secrets.Put(p, w.kind, w.prev))
			} else {
				errs = append(errs, s.Secrets.Delete(p, w.kind))
			}
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("%w (and undoing the secrets written failed: %v)", cause, err)
		}
		return cause
	}
	for _, w := range plan {
		if err := s.Secrets.Put(p, w.kind, w.value); err != nil {
			return undo(fmt.Errorf("saving the %s: %w", w.kind, err))
		}
		keyringAnswered = keyringAnswered || profiles.SourceOf(p, w.kind) == profiles.SourceKeyring
		written = append(written, w)
	}

	// 3. The file.
	if oldName == "" {
		err = f.Add(p)
	} else {
		err = f.Put(oldName, p)
	}
	if err != nil {
		return undo(err)
	}
	if oldName != "" {
		s.reprofile(oldName, p)
	}

	// 4. What the old name or source kept.
	var errs []error
	for _, k := range profiles.Kinds {
		if !moves(k) {
			continue
		}
		err := s.Secrets.Delete(old, k)
		if (keptUnreadable || !keyringAnswered) && errors.Is(err, profiles.ErrNoKeyring) {
			// No keyring answered this save: nothing was left behind in
			// one (a secret moving to the file, kept tokens).
			err = nil
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return &CleanupError{Done: done, Err: err}
	}
	return nil
}
