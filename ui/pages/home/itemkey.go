package home

import "strconv"

// ItemKey names a home item: a saved profile by name, a connection by its
// place in Context.Connections, or the "New request…" line. The zero key
// names none (a one-off request).
type ItemKey struct {
	Kind itemKind
	name string // a profile's
	Conn int    // a connection's index
}

type itemKind int

const (
	noItem itemKind = iota
	profileKind
	ConnKind
	newKind
)

func ProfileKey(name string) ItemKey { return ItemKey{Kind: profileKind, name: name} }
func ConnKey(i int) ItemKey          { return ItemKey{Kind: ConnKind, Conn: i} }

// None reports the zero key: a request of its own, no home item's.
func (k ItemKey) None() bool { return k.Kind == noItem }

// Held is the name the session holds the item's token under: a profile's
// own name, or "conn:N" for a connection (which no profile name can be).
func (k ItemKey) Held() string {
	switch k.Kind {
	case profileKind:
		return k.name
	case ConnKind:
		return "conn:" + strconv.Itoa(k.Conn)
	case newKind:
		return "new"
	}
	return ""
}

// String names the key for drafts: "profile:NAME", "conn:N", "new".
func (k ItemKey) String() string {
	if k.Kind == profileKind {
		return "profile:" + k.name
	}
	return k.Held()
}
