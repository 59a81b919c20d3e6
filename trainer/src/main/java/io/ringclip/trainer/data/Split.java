package io.ringclip.trainer.data;

/** Which part of a dataset to read: the training set or the held-out set used for eval. */
public enum Split {
    TRAIN,
    TEST
}
