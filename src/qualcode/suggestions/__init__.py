"""Code suggestions learnt offline from a team's own codings, with measured reliability.

One linear model per code over lemmas (from the store's lexicon) and character n-grams
(German compounds); cross-validation with folds grouped by document gives precision, recall,
F1 and Cohen's kappa per code, as if the model were one more coder. Nothing leaves the
machine: scikit-learn runs in this process and the model is a table row of the project.
"""
