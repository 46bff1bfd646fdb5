/* LSTM objective, ADBench's formulation: L stacked LSTM layers of hidden size B, whose
   weights are vectors (element-wise gates), run over a sequence of C characters (each a
   vector of B scores); the loss is the mean cross-entropy of each next character against
   the log-softmax of the prediction.

   Layer l with input y, hidden h, cell s and weights W_l (4 B), biases b_l (4 B), gates
   taken in slices of B:
     forget = sigmoid(y W0 + b0), in = sigmoid(h W1 + b1), out = sigmoid(y W2 + b2),
     change = tanh(h W3 + b3);  s = s forget + in change;  h = out tanh(s)
   A prediction scales the character by the input weights, runs the layers (each layer's
   input is the previous layer's new hidden state) and maps the last hidden state by the
   output weights and bias. The gradient is taken with respect to every layer parameter
   and the input/output weights; the initial state and the sequence are constant (the
   objective works on a copy of the state). */
#include "harness.h"

#ifndef LSTM_LAYERS
#define LSTM_LAYERS 2
#endif
#ifndef LSTM_CHARS
#define LSTM_CHARS 1024
#endif
#ifndef LSTM_B
#define LSTM_B 14
#endif

static double sigmoid(double v) { return 1.0 / (1.0 + exp(-v)); }

static void lstm_cell(int b, const double *w, const double *bias, double *hidden, double *cell, const double *in) {
  for (int i = 0; i < b; i++) {
    double forget = sigmoid(in[i] * w[i] + bias[i]);
    double ingate = sigmoid(hidden[i] * w[b + i] + bias[b + i]);
    double outgate = sigmoid(in[i] * w[2 * b + i] + bias[2 * b + i]);
    double change = tanh(hidden[i] * w[3 * b + i] + bias[3 * b + i]);
    cell[i] = cell[i] * forget + ingate * change;
    hidden[i] = outgate * tanh(cell[i]);
  }
}

static void lstm_predict(int layers, int b, const double *main_params, const double *extra, double *state,
                         const double *input, double *scaled, double *out) {
  for (int i = 0; i < b; i++) scaled[i] = input[i] * extra[i];
  const double *y = scaled;
  for (int l = 0; l < layers; l++) {
    double *hidden = state + 2 * l * b, *cell = hidden + b;
    lstm_cell(b, main_params + 8 * l * b, main_params + 8 * l * b + 4 * b, hidden, cell, y);
    y = hidden;
  }
  for (int i = 0; i < b; i++) out[i] = y[i] * extra[b + i] + extra[2 * b + i];
}

double lstm_objective(int layers, int chars, int b, const double *main_params, const double *extra,
                      const double *state0, const double *sequence) {
  double *state = malloc(sizeof(double) * (size_t)(2 * layers * b));
  double *scaled = malloc(sizeof(double) * (size_t)b);
  double *pred = malloc(sizeof(double) * (size_t)b);
  for (int i = 0; i < 2 * layers * b; i++) state[i] = state0[i];
  double total = 0.0;
  for (int t = 0; t + 1 < chars; t++) {
    lstm_predict(layers, b, main_params, extra, state, sequence + t * b, scaled, pred);
    double top = pred[0];
    for (int i = 1; i < b; i++)
      if (pred[i] > top) top = pred[i];
    double s = 0.0;
    for (int i = 0; i < b; i++) s += exp(pred[i] - top);
    double lse = log(s) + top;
    const double *gold = sequence + (t + 1) * b;
    for (int i = 0; i < b; i++) total += gold[i] * (pred[i] - lse);
  }
  free(state);
  free(scaled);
  free(pred);
  return -total / ((double)(chars - 1) * b);
}

#define NMAIN (8 * LSTM_LAYERS * LSTM_B)
#define NPARAM (NMAIN + 3 * LSTM_B)

static double params[NPARAM], grad[NPARAM], state0[2 * LSTM_LAYERS * LSTM_B], sequence[LSTM_CHARS * LSTM_B];

static double run_primal(void) {
  return lstm_objective(LSTM_LAYERS, LSTM_CHARS, LSTM_B, params, params + NMAIN, state0, sequence);
}

#ifndef BENCH_PRIMAL_ONLY
static void run_gradient(void) {
  memset(grad, 0, sizeof grad);
  __enzyme_autodiff((void *)lstm_objective, enzyme_const, LSTM_LAYERS, enzyme_const, LSTM_CHARS, enzyme_const, LSTM_B,
                    enzyme_dup, params, grad, enzyme_dup, params + NMAIN, grad + NMAIN, enzyme_const, state0,
                    enzyme_const, sequence);
}
#endif

int main(void) {
  bench_seed(7);
  for (int i = 0; i < NPARAM; i++) params[i] = bench_uniform(-1, 1);
  for (int i = 0; i < 2 * LSTM_LAYERS * LSTM_B; i++) state0[i] = bench_uniform(-1, 1);
  for (int i = 0; i < LSTM_CHARS * LSTM_B; i++) sequence[i] = bench_uniform(0, 1);
#ifdef BENCH_PRIMAL_ONLY
  bench b = {"lstm", NPARAM, params, grad, run_primal, NULL};
#else
  bench b = {"lstm", NPARAM, params, grad, run_primal, run_gradient};
#endif
  return bench_main(&b);
}
