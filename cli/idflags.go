package cli

import (
	"fmt"
	"regexp"

	"github.com/spf13/pflag"
)

// partnerShort is a partner's short id, as people and the workbench name
// it: T112 is partner T11200000.
var partnerShort = regexp.MustCompile(`^[PT]\d{3}$`)

// partnerFlag is --partner: the full id (T11200000) or the short one
// (T112), kept full, as the exchange token and the partner_id claim spell it.
type partnerFlag struct{ dst *string }

func (f partnerFlag) String() string { return *f.dst }
func (f partnerFlag) Type() string   { return "string" }
func (f partnerFlag) Set(v string) error {
	if partnerShort.MatchString(v) {
		v += "00000"
	}
	*f.dst = v
	return nil
}

// accountFlag is --account: an account id, P or T and 8 digits. A
// partner's short id (T112) names the partner's account only at the token
// endpoint; everywhere else (audience, aid, exchange) it is T11200000, so
// it is refused with that full form.
type accountFlag struct{ dst *string }

func (f accountFlag) String() string { return *f.dst }
func (f accountFlag) Type() string   { return "string" }
func (f accountFlag) Set(v string) error {
	if partnerShort.MatchString(v) {
		return fmt.Errorf("%s is partner %s's short id; its account id is %s00000 (--account %s00000 for the partner's own token, or --partner %s --account MERCHANT for a merchant's)",
			v, v, v, v, v)
	}
	*f.dst = v
	return nil
}

// bindIDFlags registers --account and --partner.
func bindIDFlags(f *pflag.FlagSet, account, partner *string) {
	f.Var(accountFlag{account}, "account", "account id: T (test) or P (production) and 8 digits, e.g. T11223344")
	f.Var(partnerFlag{partner}, "partner", "partner id, T11200000 or its short form T112: get a token for the merchant --account through an exchange token")
}
