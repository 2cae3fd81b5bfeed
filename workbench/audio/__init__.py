"""Audio signal processing written out (STFT, mel scale and filterbank, MFCC): numpy and
scipy only, so the numbers can be read against the notes and checked against librosa."""
