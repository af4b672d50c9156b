package validate_test

import (
	"errors"
	"fmt"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

// Every generated request validates itself before it is sent; the error
// lists every violation with its field path and a typed leaf error.
func ExampleErrors() {
	req := &acquiringbank.TerminateAuthorizationRequest{
		AuthorizationCode: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109",
		SubMchID: "1230000109",
		Reason:   "用户注销账号，请求解除授权😀", // no 4-byte UTF-8 (emoji) in reason
	}
	err := req.Validate()
	var invalid *validate.Errors
	if errors.As(err, &invalid) {
		for _, f := range invalid.Fields {
			fmt.Printf("%s: %v\n", f.Path, f.Err)
		}
	}
	var fourByte *validate.FourByteUTF8Error
	fmt.Println(errors.As(err, &fourByte))
	// Output:
	// reason: 4-byte UTF-8 character (e.g. emoji) at index 13 is not allowed
	// true
}

// The rules generated code declares, used directly.
func ExampleCollector() {
	rule := &validate.StringRule{Required: true, MinLength: 1, MaxLength: 5}
	var c validate.Collector
	c.String("service_id", "", rule)
	c.String("channel_id", "123456", rule)
	fmt.Println(c.Err("example.Request"))
	// Output:
	// example.Request: 2 invalid fields: service_id: required; channel_id: too long: 6 characters, maximum 5
}
