// The Stripe payment page: Stripe.js collects the card and confirms the PaymentIntent made on the
// buy POST. The order is fulfilled by Stripe's webhook, never by this page; the return page only
// shows the order's state.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  var stripe = Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  var errors = document.getElementById("card-errors");
  var button = document.getElementById("pay-button");
  card.mount("#card-element");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    errors.textContent = "";
    stripe
      .confirmCardPayment(form.dataset.clientSecret, { payment_method: { card: card } })
      .then(function (result) {
        if (result.error) {
          errors.textContent = result.error.message;
          button.disabled = false;
        } else {
          window.location.assign(form.dataset.returnUrl);
        }
      });
  });
})();
