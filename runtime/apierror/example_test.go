package apierror_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/generated/payscore"
	"github.com/payscoregen/payscoregen/runtime/apierror"
	"github.com/payscoregen/payscoregen/sim"
)

// What a failed call returns: documented codes match with errors.Is, the
// details come with errors.As, and Retryable says whether to try again. The
// simulator answers SYSTEM_ERROR once, as WeChat Pay sometimes does.
func Example() {
	ctx := context.Background()
	s, err := sim.New()
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Start(); err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	c, err := s.CoreClient(ctx)
	if err != nil {
		log.Fatal(err)
	}
	client := acquiringbank.NewClient(c, acquiringbank.WithBaseURL(s.URL()))
	if err := s.InjectFault(sim.Fault{Operation: "query_authorization", Code: "SYSTEM_ERROR"}); err != nil {
		log.Fatal(err)
	}

	req := &acquiringbank.QueryAuthorizationRequest{
		AuthorizationCode: "1234323JKHDFE1243252", ServiceID: "500001", ChannelID: "1230000109", SubMchID: "1900000110",
	}
	_, _, err = client.QueryAuthorization(ctx, req)
	var apiErr *apierror.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Operation, apiErr.StatusCode, apiErr.Code, apiErr.Retryable())
	}
	fmt.Println(errors.Is(err, payscore.ErrSystemError))

	// Retried with the same parameters: the code was never applied for.
	_, _, err = client.QueryAuthorization(ctx, req)
	fmt.Println(errors.Is(err, payscore.ErrOrderNotExist), apierror.Retryable(err))
	// Output:
	// acquiringbank QueryAuthorization 500 SYSTEM_ERROR true
	// true
	// true false
}
