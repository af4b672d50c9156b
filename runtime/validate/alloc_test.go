package validate_test

import (
	"strings"
	"testing"

	"github.com/payscoregen/payscoregen/runtime/validate"
)

// An invalid value costs at most two allocations per violation: the
// FieldError shares one with its leaf error, and the *Errors holds the first
// eight in place.
func TestInvalidPathAllocations(t *testing.T) {
	sign := &validate.StringRule{Required: true, MaxLength: 64, Pattern: validate.MustCompile(`^[0-9A-F]{64}$`)}
	url := &validate.StringRule{Required: true, MaxLength: 255, Pattern: validate.MustCompile(`^https://[^?#]+$`)}
	long := strings.Repeat("x", 40)
	tests := []struct {
		name       string
		violations int
		run        func() error // the Collector is local, as in generated code
	}{
		{"one pattern", 1, func() error {
			var c validate.Collector
			c.String("sign", "0a", sign)
			return c.Err("T")
		}},
		{"one required", 1, func() error {
			var c validate.Collector
			c.String("id", "", ruleID)
			return c.Err("T")
		}},
		{"one enum", 1, func() error {
			var c validate.Collector
			c.String("state", "NONE", ruleState)
			return c.Err("T")
		}},
		{"seven", 7, func() error {
			var c validate.Collector
			for _, p := range []string{"a", "b", "c", "d", "e", "f"} {
				c.String(p, long, ruleID)
			}
			c.String("notify_url", "http://a/?q", url)
			return c.Err("T")
		}},
		{"one per item of 100", 100, func() error {
			var c validate.Collector
			for i := range 100 {
				c.EnterItem("post_payments", i)
				c.String("name", long, ruleID)
				c.Leave()
			}
			return c.Err("T")
		}},
		{"twelve", 12, func() error {
			var c validate.Collector
			for range 12 {
				c.String("sign", "0a", sign)
			}
			return c.Err("T")
		}},
	}
	for _, tt := range tests {
		errs, _ := tt.run().(*validate.Errors)
		if errs == nil || len(errs.Fields) != tt.violations {
			t.Fatalf("%s: %v, want %d violations", tt.name, errs, tt.violations)
		}
		n := testing.AllocsPerRun(100, func() { _ = tt.run() })
		if n > float64(2*tt.violations) {
			t.Errorf("%s: %v allocations for %d violations, want at most %d", tt.name, n, tt.violations, 2*tt.violations)
		}
	}
}
